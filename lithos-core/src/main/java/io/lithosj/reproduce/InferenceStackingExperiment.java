package io.lithosj.reproduce;

import io.lithosj.experiment.Scenario;
import io.lithosj.figures.Charts;
import io.lithosj.figures.Titles;
import io.lithosj.stats.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inference-only stacking as the paper runs it (its Figure 16): each run is HP-A (latency SLO) +
 * HP-B (throughput SLO) + BE (closed loop), over the plan's combinations, at Table 2's loads and
 * latency constraints (a load is scaled only where the modeled GPU cannot carry it alone; the log
 * and the data say which). The template scenario gives the roles {@code hp-a}, {@code hp-b},
 * {@code be}, their TPC quotas and the run length.
 */
final class InferenceStackingExperiment {
  static final String ID = "inference-stacking";

  private InferenceStackingExperiment() {}

  static List<HeadlineRow> run(ExperimentContext ctx, PaperPlan plan, Scenario template, List<Long> seeds) {
    PaperPlan.InferenceStacking is = plan.inferenceStacking();
    Scenario base = template.withGpu(ctx.gpu());
    List<PaperStacking.Case> cases = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String a : is.hpA()) {
      for (List<String> pair : is.hpBAndBe()) {
        String b = pair.get(0);
        String be = pair.get(1);
        Roles.Load la = Roles.offeredLoad(base, "hp-a", a, plan.service(a), plan.maxSoloLoad());
        Roles.Load lb = Roles.offeredLoad(base, "hp-b", b, plan.service(b), plan.maxSoloLoad());
        Scenario s = Roles.service(base, "hp-a", plan.service(a), la.offeredRps());
        s = Roles.service(s, "hp-b", plan.service(b), lb.offeredRps());
        s = Roles.closedLoop(s, "be", plan.service(be));
        cases.add(new PaperStacking.Case(a + "+" + b + "+" + be, a, s, "hp-a", plan.service(a).sloMs(), List.of(la, lb)));
        for (Roles.Load l : List.of(la, lb)) if (l.scaled() && !notes.contains(l.note())) notes.add(l.note());
      }
    }
    notes.forEach(n -> ctx.log().accept("   " + ctx.gpu() + ": " + n));
    PaperStacking.Result r = PaperStacking.run(ctx, ID, cases, plan.policies(), seeds, true);
    figures(ctx, r);
    String note = "SOSP '25 numbers (arXiv v1: 3x lower than the best other, 1.6x throughput)"
        + (notes.isEmpty() ? "" : "; loads scaled: " + String.join("; ", notes));
    return PaperStacking.headline(ctx, r, "Inference stacking (HP-A + HP-B + BE)", 13, 4, 1.3, "aggregate goodput", note);
  }

  /** Figure 16's analogue per HP-A model (SLO as a line), and every role's normalised service. */
  private static void figures(ExperimentContext ctx, PaperStacking.Result r) {
    Map<String, Map<String, Stats.Interval>> tails = PaperStacking.tailByGroup(r, r::tailMs);
    for (var g : tails.entrySet()) {
      String model = g.getKey();
      double slo = r.cases().stream().filter(c -> c.group().equals(model)).findFirst().orElseThrow().tailSloMs();
      Map<String, Charts.Bar> bars = new LinkedHashMap<>();
      for (var e : g.getValue().entrySet()) {
        Stats.Interval v = e.getValue();
        bars.put(e.getKey(), new Charts.Bar(v.mean(), v.high() - v.mean(), PaperStacking.unstableIn(r, r.policy(e.getKey()), model)));
      }
      Charts.save(Charts.systemBars(String.format(java.util.Locale.ROOT,
              "Inference stacking: HP-A %s p99, %s, %d seeds, 95%% CI (*: unstable, lower bound)",
              model, Titles.where("sim", ctx.gpu()), r.seeds()),
              "HP-A p99 latency (ms)", bars, String.format(java.util.Locale.ROOT, "SLO %.0f ms", slo), slo, "*"),
          ctx.figuresDir(), ctx.prefix(ID) + "-fig16-" + model);
    }
    Map<String, Map<String, Stats.Interval>> roles = PaperStacking.normalizedByRole(r);
    List<String> cats = new ArrayList<>(roles.keySet());
    Map<String, List<Charts.Bar>> series = new LinkedHashMap<>();
    for (String p : r.policies()) {
      series.put(p, cats.stream().map(role -> {
        Stats.Interval v = roles.get(role).get(p);
        return new Charts.Bar(v.mean(), v.high() - v.mean(), false);
      }).toList());
    }
    Charts.save(Charts.barsWithErrors("Inference stacking, " + Titles.where("sim", ctx.gpu()) + ": each role's service, mean over "
            + r.cases().size() + " combinations and " + r.seeds() + " seeds, 95% CI",
        "role (HP: share of arrived requests within the SLO; BE: progress / alone)", "normalised goodput or progress", cats, series),
        ctx.figuresDir(), ctx.prefix(ID) + "-roles");
  }
}
