package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.stats.Stats;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Stacked runs as the paper makes them: several cases (one scenario each: inference stacking's
 * HP-A + HP-B + BE combinations, or hybrid's HP service + one training job), every case under
 * every policy and every seed, and each tenant alone (MPS, whole GPU, same seed and load) as the
 * reference. Per run:
 * <ul>
 *   <li><b>tail</b>: the p99 of the case's tail tenant (HP-A, or the hybrid's HP service); for an
 *       unstable queue its lower bound ({@link TenantMetrics#p99OrBoundMs});</li>
 *   <li><b>normalised tail</b>: tail / the same tenant's p99 alone (1 = as alone);</li>
 *   <li><b>aggregate</b>: the sum over tenants of each one's normalised service: an open-loop
 *       service's goodput (inference stacking: requests within the SLO, the SOSP paper's goodput)
 *       or throughput (hybrid) per request that arrived in the window (1 when none arrived), plus
 *       a closed-loop tenant's progress over its progress alone ({@link TenantMetrics#progressPerSec}:
 *       partial requests or iterations count, so a 1 s LLM request or a 0.6 s fine-tuning step in a
 *       0.75 s window is not rounded to 0 or 1; 3 = every tenant served as alone).</li>
 * </ul>
 * Per seed, a policy's tail over the cases is their geometric mean; the headline ratios are
 * formed per seed and summarised as mean and 95% interval over the seeds.
 */
final class PaperStacking {
  /** One stacked configuration: its scenario, the tenant whose tail is the headline, its group in the figure. */
  record Case(String id, String group, Scenario scenario, String tailTenant, double tailSloMs, List<Roles.Load> loads) {}

  /** All runs of one experiment, indexed [case][policy][seed]. */
  record Result(String id, List<Case> cases, List<String> policies, int seeds, RunResult[][][] runs,
                Map<String, TenantMetrics>[][] solo, boolean goodput) {

    TenantMetrics tail(int c, int p, int s) { return runs[c][p][s].tenant(cases.get(c).tailTenant()); }

    double tailMs(int c, int p, int s) { return tail(c, p, s).p99OrBoundMs(); }

    double normalizedTail(int c, int p, int s) {
      return tailMs(c, p, s) / solo[c][s].get(cases.get(c).tailTenant()).p99OrBoundMs();
    }

    /** Σ over tenants of goodput (or throughput) per arrived request, and closed-loop progress / alone. */
    double aggregate(int c, int p, int s) {
      double sum = 0;
      for (TenantMetrics m : runs[c][p][s].tenants()) sum += normalized(c, s, m);
      return sum;
    }

    double normalized(int c, int s, TenantMetrics m) {
      Roles.Load load = cases.get(c).loads().stream().filter(l -> l.tenant().equals(m.tenant())).findFirst().orElse(null);
      if (load != null) {
        // per request that arrived in the window, so a service of 0.5 requests/s is not weighed by its arrival count;
        // a service that received no request in the window lost none (the same arrivals under every system of a seed)
        if (m.arrived() == 0) return 1.0;
        return goodput ? m.sloAttainment() : (double) m.completed() / m.arrived();
      }
      double alone = solo[c][s].get(m.tenant()).progressPerSec();
      return alone > 0 ? m.progressPerSec() / alone : 0;
    }

    /** Geometric mean over the cases (optionally one group) of a per-run value, one per seed. */
    double[] perSeedGeomean(int p, String group, RunValue f) {
      double[] out = new double[seeds];
      for (int s = 0; s < seeds; s++) {
        double log = 0;
        int n = 0;
        for (int c = 0; c < cases.size(); c++) {
          if (group != null && !cases.get(c).group().equals(group)) continue;
          log += Math.log(f.at(c, p, s));
          n++;
        }
        out[s] = Math.exp(log / n);
      }
      return out;
    }

    double[] perSeedMean(int p, RunValue f) {
      double[] out = new double[seeds];
      for (int s = 0; s < seeds; s++) {
        double sum = 0;
        for (int c = 0; c < cases.size(); c++) sum += f.at(c, p, s);
        out[s] = sum / cases.size();
      }
      return out;
    }

    int policy(String name) {
      int i = policies.indexOf(name);
      if (i < 0) throw new IllegalArgumentException("policy " + name + " was not run");
      return i;
    }

    /** Runs (of a policy, or all) in which a case's tail tenant was unstable. */
    int unstableTails(int p) {
      int n = 0;
      for (int c = 0; c < cases.size(); c++) for (int s = 0; s < seeds; s++) if (!tail(c, p, s).stable()) n++;
      return n;
    }

    /** The non-LithOS policy with the lowest mean (over seeds) geometric-mean tail. */
    int bestOther() {
      int best = -1;
      double bestMs = Double.POSITIVE_INFINITY;
      for (int p = 0; p < policies.size(); p++) {
        if (policies.get(p).equals("lithos")) continue;
        double ms = Stats.meanInterval95(perSeedGeomean(p, null, this::tailMs)).mean();
        if (ms < bestMs) {
          bestMs = ms;
          best = p;
        }
      }
      return best;
    }
  }

  interface RunValue { double at(int c, int p, int s); }

  private PaperStacking() {}

  @SuppressWarnings("unchecked")
  static Result run(ExperimentContext ctx, String id, List<Case> cases, List<String> policies, List<Long> seeds, boolean goodput) {
    List<Scenario> runs = new ArrayList<>();
    for (Case c : cases) {
      for (String p : policies) {
        for (long seed : seeds) runs.add(c.scenario().withPolicy(p).withSeed(seed).withName(id + "-" + c.id()));
      }
    }
    // each tenant alone, once per distinct tenant set-up and seed (one seed for a tenant without random input)
    Map<String, Integer> soloIndex = new LinkedHashMap<>();
    List<Scenario> soloRuns = new ArrayList<>();
    for (Case c : cases) {
      for (Scenario.TenantConfig t : c.scenario().tenants()) {
        for (long seed : seeds) {
          Scenario alone = alone(c, t, seed, seeds);
          String key = alone.withName("").toString();
          if (!soloIndex.containsKey(key)) {
            soloIndex.put(key, soloRuns.size());
            soloRuns.add(alone.withName(id + "-alone-" + t.name() + "-" + (t.model() == null ? "" : t.model())));
          }
        }
      }
    }
    List<Scenario> all = new ArrayList<>(runs);
    all.addAll(soloRuns);
    List<RunResult> results = ctx.runAll(all);
    int n = seeds.size();
    RunResult[][][] r = new RunResult[cases.size()][policies.size()][n];
    Map<String, TenantMetrics>[][] solo = new Map[cases.size()][n];
    int i = 0;
    for (int c = 0; c < cases.size(); c++) {
      for (int p = 0; p < policies.size(); p++) for (int s = 0; s < n; s++) r[c][p][s] = results.get(i++);
    }
    for (int c = 0; c < cases.size(); c++) {
      for (int s = 0; s < n; s++) {
        solo[c][s] = new HashMap<>();
        for (Scenario.TenantConfig t : cases.get(c).scenario().tenants()) {
          Scenario alone = alone(cases.get(c), t, seeds.get(s), seeds);
          RunResult a = results.get(runs.size() + soloIndex.get(alone.withName("").toString()));
          solo[c][s].put(t.name(), a.tenant(t.name()));
        }
      }
    }
    Result res = new Result(id, cases, policies, n, r, solo, goodput);
    Tables.write(perTenantTable(ctx, res), ctx.dataDir().resolve(ctx.prefix(id) + ".csv"));
    return res;
  }

  /**
   * The tenant alone (MPS, whole GPU) at this seed. Only Poisson arrivals draw random numbers: a
   * closed loop, a training job or trace arrivals alone run the same under every seed
   * (LatencyStatisticsTest checks it), so those run once, at the first seed, and serve every seed.
   */
  private static Scenario alone(Case c, Scenario.TenantConfig t, long seed, List<Long> seeds) {
    Scenario alone = c.scenario().onlyTenants(t.name()).withPolicy("mps");
    boolean random = alone.tenantSpecs().get(0).workload() instanceof Workload.Inference inf && inf.arrivals() instanceof Arrivals.Poisson;
    return alone.withSeed(random ? seed : seeds.get(0));
  }

  /** Every tenant of every run: the numbers behind the figures and the headline. */
  private static Table perTenantTable(ExperimentContext ctx, Result r) {
    StringColumn cs = StringColumn.create("case");
    StringColumn pol = StringColumn.create("policy");
    IntColumn seed = IntColumn.create("seed");
    StringColumn ten = StringColumn.create("tenant");
    StringColumn model = StringColumn.create("model");
    StringColumn cls = StringColumn.create("class");
    DoubleColumn paperRps = DoubleColumn.create("paperRps");
    DoubleColumn offeredRps = DoubleColumn.create("offeredRps");
    DoubleColumn p99 = DoubleColumn.create("p99Ms");
    BooleanColumn stable = BooleanColumn.create("stable");
    DoubleColumn bound = DoubleColumn.create("p99LowerBoundMs");
    DoubleColumn soloP99 = DoubleColumn.create("aloneP99Ms");
    DoubleColumn normP99 = DoubleColumn.create("p99OverAlone");
    DoubleColumn thr = DoubleColumn.create("throughputPerSec");
    DoubleColumn prog = DoubleColumn.create("progressPerSec");
    DoubleColumn good = DoubleColumn.create("goodputPerSec");
    DoubleColumn att = DoubleColumn.create("sloAttainment");
    DoubleColumn norm = DoubleColumn.create(r.goodput() ? "normalizedGoodput" : "normalizedThroughput");
    IntColumn arrived = IntColumn.create("arrived");
    IntColumn unfinished = IntColumn.create("unfinished");
    for (int c = 0; c < r.cases().size(); c++) {
      Case k = r.cases().get(c);
      for (int p = 0; p < r.policies().size(); p++) {
        for (int s = 0; s < r.seeds(); s++) {
          RunResult run = r.runs()[c][p][s];
          for (TenantMetrics m : run.tenants()) {
            TenantMetrics alone = r.solo()[c][s].get(m.tenant());
            Scenario.TenantConfig cfg = k.scenario().tenants().stream().filter(t -> t.name().equals(m.tenant())).findFirst().orElseThrow();
            Roles.Load load = k.loads().stream().filter(l -> l.tenant().equals(m.tenant())).findFirst().orElse(null);
            cs.append(k.id());
            pol.append(run.policy());
            seed.append((int) run.seed());
            ten.append(m.tenant());
            model.append(cfg.model());
            cls.append(m.priority().name());
            paperRps.append(load == null ? Double.NaN : load.paperRps());
            offeredRps.append(load == null ? Double.NaN : load.offeredRps());
            p99.append(m.p99Ms());
            stable.append(m.stable());
            bound.append(m.p99LowerBoundMs());
            soloP99.append(alone.p99Ms());
            normP99.append(m.p99OrBoundMs() / alone.p99OrBoundMs());
            thr.append(m.throughputPerSec());
            prog.append(m.progressPerSec());
            good.append(m.goodputPerSec());
            att.append(m.sloAttainment());
            norm.append(r.normalized(c, s, m));
            arrived.append((int) m.arrived());
            unfinished.append((int) m.unfinished());
          }
        }
      }
    }
    return Table.create(r.id()).addColumns(cs, pol, seed, ten, model, cls, paperRps, offeredRps, p99, stable, bound, soloP99,
        normP99, thr, prog, good, att, norm, arrived, unfinished);
  }

  /** The three headline rows of a stacking experiment (tail vs MPS, tail vs best other, aggregate vs best other). */
  static List<HeadlineRow> headline(ExperimentContext ctx, Result r, String label, double vsMps, double vsBest,
                                    double aggVsBest, String aggName, String note) {
    int lithos = r.policy("lithos");
    int mps = r.policy("mps");
    int best = r.bestOther();
    double[] lt = r.perSeedGeomean(lithos, null, r::tailMs);
    double[] mt = r.perSeedGeomean(mps, null, r::tailMs);
    double[] bt = r.perSeedGeomean(best, null, r::tailMs);
    double[] la = r.perSeedMean(lithos, r::aggregate);
    double[] ba = r.perSeedMean(best, r::aggregate);
    double[] vsM = new double[r.seeds()];
    double[] vsB = new double[r.seeds()];
    double[] agg = new double[r.seeds()];
    for (int s = 0; s < r.seeds(); s++) {
      vsM[s] = mt[s] / lt[s];
      vsB[s] = bt[s] / lt[s];
      agg[s] = la[s] / ba[s];
    }
    String bestName = r.policies().get(best);
    int runsPer = r.cases().size() * r.seeds();
    String lithosUnstable = r.unstableTails(lithos) > 0 ? String.format(java.util.Locale.ROOT,
        "; LithOS's tail tenant unstable in %d of %d runs", r.unstableTails(lithos), runsPer) : "";
    Stats.Interval l = Stats.meanInterval95(lt);
    Stats.Interval m = Stats.meanInterval95(mt);
    Stats.Interval b = Stats.meanInterval95(bt);
    String exp = r.id();
    String gpu = ctx.gpu();
    String cases = r.cases().size() + " cases x " + r.seeds() + " seeds";
    return List.of(
        HeadlineRow.of(label + ": HP tail (p99), MPS / LithOS", "x", vsMps, Stats.meanInterval95(vsM), r.unstableTails(mps) > 0, gpu, exp,
            String.format(java.util.Locale.ROOT, "tail p99 geomean over %s: MPS %.3g ms (unstable in %d of %d runs), LithOS %.3g ms%s",
                cases, m.mean(), r.unstableTails(mps), runsPer, l.mean(), lithosUnstable), note),
        HeadlineRow.of(label + ": HP tail (p99), best other / LithOS", "x", vsBest, Stats.meanInterval95(vsB), r.unstableTails(best) > 0,
            gpu, exp, String.format(java.util.Locale.ROOT, "best other by tail = %s at %.3g ms (unstable in %d of %d runs)", bestName,
                b.mean(), r.unstableTails(best), runsPer), note),
        HeadlineRow.of(label + ": " + aggName + ", LithOS / best other", "x", aggVsBest, Stats.meanInterval95(agg), false, gpu, exp,
            String.format(java.util.Locale.ROOT, "%s (sum of normalised tenants, max %d): LithOS %.3g, %s %.3g", aggName,
                r.runs()[0][0][0].tenants().size(), Stats.meanInterval95(la).mean(), bestName, Stats.meanInterval95(ba).mean()), note));
  }

  /** Per policy and group: the tail (mean over seeds of the group's geometric mean) with its interval. */
  static Map<String, Map<String, Stats.Interval>> tailByGroup(Result r, RunValue f) {
    Map<String, Map<String, Stats.Interval>> out = new LinkedHashMap<>();
    for (Case c : r.cases()) out.putIfAbsent(c.group(), new LinkedHashMap<>());
    for (String g : out.keySet()) {
      for (int p = 0; p < r.policies().size(); p++) out.get(g).put(r.policies().get(p), Stats.meanInterval95(r.perSeedGeomean(p, g, f)));
    }
    return out;
  }

  /** True when policy p's tail tenant was unstable in some run of the group. */
  static boolean unstableIn(Result r, int p, String group) {
    for (int c = 0; c < r.cases().size(); c++) {
      if (!r.cases().get(c).group().equals(group)) continue;
      for (int s = 0; s < r.seeds(); s++) if (!r.tail(c, p, s).stable()) return true;
    }
    return false;
  }

  /** HP and BE classes, for figures: every tenant's normalised service per policy, mean over cases. */
  static Map<String, Map<String, Stats.Interval>> normalizedByRole(Result r) {
    Map<String, Map<String, Stats.Interval>> out = new LinkedHashMap<>();
    List<String> roles = r.cases().get(0).scenario().tenants().stream().map(Scenario.TenantConfig::name).toList();
    for (String role : roles) {
      Map<String, Stats.Interval> byPolicy = new LinkedHashMap<>();
      for (int p = 0; p < r.policies().size(); p++) {
        final int pp = p;
        double[] perSeed = new double[r.seeds()];
        for (int s = 0; s < r.seeds(); s++) {
          double sum = 0;
          for (int c = 0; c < r.cases().size(); c++) sum += r.normalized(c, s, r.runs()[c][pp][s].tenant(role));
          perSeed[s] = sum / r.cases().size();
        }
        byPolicy.put(r.policies().get(p), Stats.meanInterval95(perSeed));
      }
      out.put(role, byPolicy);
    }
    return out;
  }

}
