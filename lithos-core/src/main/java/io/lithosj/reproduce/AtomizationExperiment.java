package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.figures.Charts;
import io.lithosj.figures.Titles;
import io.lithosj.stats.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's atomization experiment: an HP service (template role {@code hp}) beside a BE
 * (role {@code be}) whose kernels grow, (a) a Table 1 training job at its batch size times each
 * factor, (b) a BE inference service at each sequence length; HP P95 with atomization (LithOS,
 * atoms of {@code atomTargetMs}, in the paper's 250-500 us range) and without (LithOS with one atom
 * per kernel), against the HP service alone (the ideal).
 *
 * <p>A batch or sequence change scales every kernel's block count by the same factor
 * ({@link Scenario#withScaledKernels}): the traces exist at one shape, so kernels whose size does
 * not follow the batch (weight updates) or grows faster than the sequence (attention) are
 * approximated; the sweep still moves BE kernel lengths, which is what atomization is about.
 */
final class AtomizationExperiment {
  record Variant(String label, String policy, Map<String, Object> params, boolean alone) {}

  private AtomizationExperiment() {}

  static void run(ExperimentContext ctx, PaperPlan plan, Scenario template, List<Long> seeds) {
    PaperPlan.Atomization a = plan.atomization();
    Scenario base = template.withGpu(ctx.gpu());
    Roles.Load load = Roles.offeredLoad(base, "hp", a.hp(), plan.service(a.hp()), plan.maxSoloLoad());
    Scenario withHp = Roles.service(base, "hp", plan.service(a.hp()), load.offeredRps());
    List<Variant> variants = List.of(
        new Variant("solo (HP alone)", "mps", Map.of(), true),
        new Variant("lithos (no atomization)", "lithos", Map.of("atomization", false), false),
        new Variant("lithos", "lithos", Map.of("atomTargetMs", a.atomTargetMs()), false));
    PaperPlan.TrainingJob job = plan.job(a.trainingJob());
    Scenario training = Roles.training(withHp, "be", job);
    double[] batches = a.batchFactors().stream().mapToDouble(f -> f * (job.batchSize() == null ? 1 : job.batchSize())).toArray();
    sweep(ctx, "atomization-training", training, variants, seeds, a.batchFactors().stream().mapToDouble(d -> d).toArray(), batches,
        "BE " + a.trainingJob() + " training batch size" + (job.batchSize() == null ? " (x traced batch)" : ""), load,
        a.atomTargetMs() * 1000);
    Scenario inference = Roles.closedLoop(withHp, "be", plan.service(a.inferenceBe()));
    double[] seq = a.seqLens().stream().mapToDouble(Integer::doubleValue).toArray();
    double[] factors = a.seqLens().stream().mapToDouble(l -> (double) l / a.baseSeq()).toArray();
    sweep(ctx, "atomization-inference", inference, variants, seeds, factors, seq, "BE " + a.inferenceBe() + " sequence length (tokens)",
        load, a.atomTargetMs() * 1000);
  }

  private static void sweep(ExperimentContext ctx, String id, Scenario s, List<Variant> variants, List<Long> seeds,
                            double[] factors, double[] x, String xTitle, Roles.Load load, double atomUs) {
    List<Scenario> runs = new ArrayList<>();
    for (double f : factors) {
      Scenario scaled = f == 1.0 ? s : s.withScaledKernels("be", f);
      for (Variant v : variants) {
        for (long seed : seeds) {
          Scenario one = v.alone() ? scaled.onlyTenants("hp") : scaled;
          runs.add(one.withPolicy(v.policy(), v.params()).withSeed(seed).withName(id + "-x" + f));
        }
      }
    }
    List<RunResult> results = ctx.runAll(runs);
    StringColumn var = StringColumn.create("variant");
    DoubleColumn xs = DoubleColumn.create("beSetting");
    DoubleColumn fac = DoubleColumn.create("beKernelScale");
    DoubleColumn p95 = DoubleColumn.create("hpP95Ms");
    DoubleColumn lo = DoubleColumn.create("hpP95Low95");
    DoubleColumn hi = DoubleColumn.create("hpP95High95");
    DoubleColumn overAlone = DoubleColumn.create("hpP95OverAlone");
    IntColumn unstable = IntColumn.create("unstableRuns");
    DoubleColumn beThr = DoubleColumn.create("beProgressPerSec");
    Map<String, List<Charts.Bar>> lines = new LinkedHashMap<>();
    variants.forEach(v -> lines.put(v.label(), new ArrayList<>()));
    DoubleColumn ratioLo = DoubleColumn.create("overAloneLow95");
    DoubleColumn ratioHi = DoubleColumn.create("overAloneHigh95");
    int i = 0;
    for (int fi = 0; fi < factors.length; fi++) {
      double[] alone = null;
      for (Variant v : variants) {
        double[] p = new double[seeds.size()];
        double[] thr = new double[seeds.size()];
        int bad = 0;
        for (int k = 0; k < seeds.size(); k++) {
          RunResult r = results.get(i++);
          TenantMetrics hp = r.tenant("hp");
          // P95 of the finished requests; an unstable queue has none (its percentiles depend on the run length)
          p[k] = hp.stable() ? r.latencyHistograms().get("hp").getValueAtPercentile(95) / 1000.0 : Double.NaN;
          if (!hp.stable()) bad++;
          thr[k] = v.alone() ? Double.NaN : r.tenant("be").progressPerSec(); // partial iterations count
        }
        if (v.alone()) alone = p;
        // paired by seed: the same HP arrivals with and without the BE, so the ratio's spread is the BE's effect
        double[] ratio = new double[seeds.size()];
        for (int k = 0; k < ratio.length; k++) ratio[k] = p[k] / alone[k];
        Stats.Interval iv = Stats.meanInterval95(p);
        Stats.Interval ri = Stats.meanInterval95(ratio);
        var.append(v.label());
        xs.append(x[fi]);
        fac.append(factors[fi]);
        p95.append(iv.mean());
        lo.append(iv.low());
        hi.append(iv.high());
        overAlone.append(ri.mean());
        ratioLo.append(ri.low());
        ratioHi.append(ri.high());
        unstable.append(bad);
        beThr.append(Stats.meanInterval95(thr).mean());
        lines.get(v.label()).add(new Charts.Bar(ri.mean(), ri.high() - ri.mean(), bad > 0));
      }
    }
    Table t = Table.create(id).addColumns(var, xs, fac, p95, lo, hi, overAlone, ratioLo, ratioHi, unstable, beThr);
    Tables.write(t, ctx.dataDir().resolve(ctx.prefix(id) + ".csv"));
    Charts.save(Charts.linesWithErrors(String.format(Locale.ROOT, "%s, %s: HP %s at %s/s, atoms %.0f us, %d seeds",
            id, Titles.where("sim", ctx.gpu()), load.service(), fmt(load.offeredRps()), atomUs, seeds.size()), xTitle,
            "HP P95 / HP P95 alone (same seed; 95% CI)", x, lines),
        ctx.figuresDir(), ctx.prefix(id));
  }

  private static String fmt(double v) { return String.format(Locale.ROOT, "%.3g", v); }
}
