package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.figures.Charts;
import io.lithosj.workload.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Tenants stacked on one GPU under every policy, each tenant also run alone for reference.
 * Summaries per policy: HP tail = geometric mean of the HP tenants' p99; system throughput (STP)
 * = sum over tenants of throughput / solo throughput (1 per tenant = as fast as alone).
 */
final class StackingExperiment {
  record Summary(String policy, double hpP99Ms, double stp) {}

  record Result(String id, Table perTenant, List<Summary> summaries, List<RunResult> runs, Map<String, TenantMetrics> solo) {
    Summary of(String policy) {
      return summaries.stream().filter(s -> s.policy().equals(policy)).findFirst().orElseThrow();
    }

    /** The non-LithOS policy with the lowest HP tail. */
    Summary bestOther() {
      return summaries.stream().filter(s -> !s.policy().equals("lithos"))
          .min((a, b) -> Double.compare(a.hpP99Ms(), b.hpP99Ms())).orElseThrow();
    }
  }

  private StackingExperiment() {}

  static Result run(ExperimentContext ctx, String id, Scenario scenario, List<String> policies) {
    List<Scenario> runs = new ArrayList<>();
    for (String p : policies) runs.add(scenario.withPolicy(p));
    List<String> tenants = scenario.tenants().stream().map(Scenario.TenantConfig::name).toList();
    for (String t : tenants) runs.add(scenario.onlyTenants(t).withPolicy("mps").withName(scenario.nameOrDefault() + "-solo-" + t));
    List<RunResult> results = ctx.runAll(runs);
    Map<String, TenantMetrics> solo = new LinkedHashMap<>();
    for (int i = 0; i < tenants.size(); i++) solo.put(tenants.get(i), results.get(policies.size() + i).tenant(tenants.get(i)));

    Table t = Table.create(id);
    StringColumn pol = StringColumn.create("policy");
    StringColumn ten = StringColumn.create("tenant");
    StringColumn cls = StringColumn.create("class");
    DoubleColumn p99 = DoubleColumn.create("p99Ms");
    DoubleColumn soloP99 = DoubleColumn.create("soloP99Ms");
    DoubleColumn thr = DoubleColumn.create("throughputPerSec");
    DoubleColumn normThr = DoubleColumn.create("normalizedThroughput");
    List<Summary> summaries = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      RunResult r = results.get(i);
      double logSum = 0;
      int hp = 0;
      double stp = 0;
      for (TenantMetrics m : r.tenants()) {
        TenantMetrics s = solo.get(m.tenant());
        pol.append(r.policy());
        ten.append(m.tenant());
        cls.append(m.priority().name());
        p99.append(m.p99Ms());
        soloP99.append(s.p99Ms());
        thr.append(m.throughputPerSec());
        double n = normalizedThroughput(m, s);
        normThr.append(n);
        stp += n;
        if (m.priority() == Priority.HP) {
          logSum += Math.log(m.p99Ms());
          hp++;
        }
      }
      summaries.add(new Summary(r.policy(), hp == 0 ? Double.NaN : Math.exp(logSum / hp), stp));
    }
    t.addColumns(pol, ten, cls, p99, soloP99, thr, normThr);
    Result res = new Result(id, t, summaries, results, solo);
    figures(ctx, res, scenario);
    Tables.write(t, ctx.dataDir().resolve(ctx.prefix(id) + ".csv"));
    return res;
  }

  private static void figures(ExperimentContext ctx, Result r, Scenario s) {
    List<String> hpTenants = s.tenants().stream().filter(c -> c.priority() == Priority.HP).map(Scenario.TenantConfig::name).toList();
    List<String> all = s.tenants().stream().map(Scenario.TenantConfig::name).toList();
    Map<String, List<Double>> p99 = new LinkedHashMap<>();
    Map<String, List<Double>> thr = new LinkedHashMap<>();
    for (RunResult run : r.runs().subList(0, r.summaries().size())) {
      p99.put(run.policy(), hpTenants.stream().map(t -> run.tenant(t).p99Ms()).toList());
      thr.put(run.policy(), all.stream().map(t -> normalizedThroughput(run.tenant(t), r.solo().get(t))).toList());
    }
    String gpu = ctx.gpu();
    Charts.save(Charts.bars(r.id() + " on " + gpu + ": HP tail latency", "HP service", "p99 latency (ms, log scale)",
        hpTenants, p99, true), ctx.figuresDir(), ctx.prefix(r.id()) + "-p99");
    Charts.save(Charts.bars(r.id() + " on " + gpu + ": throughput relative to running alone", "tenant",
        "throughput / solo throughput", all, thr, false), ctx.figuresDir(), ctx.prefix(r.id()) + "-throughput");
    if (!hpTenants.isEmpty()) {
      Charts.save(Charts.latencyCdf(r.id() + " on " + gpu + ": latency CDF of " + hpTenants.get(0), hpTenants.get(0),
          r.runs().subList(0, r.summaries().size())), ctx.figuresDir(), ctx.prefix(r.id()) + "-cdf");
    }
  }

  /** Throughput stacked over throughput alone (0 when the tenant completed nothing alone). */
  private static double normalizedThroughput(TenantMetrics stacked, TenantMetrics solo) {
    return solo.throughputPerSec() > 0 ? stacked.throughputPerSec() / solo.throughputPerSec() : 0;
  }
}
