package io.lithosj.report;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The view that compares policies: one row per tenant x policy with the columns that decide a
 * comparison, each tenant's rows together.
 * <ul>
 *   <li>{@code p50Ms}, {@code p99Ms}: NaN for an unstable queue (its percentiles depend on the run length);</li>
 *   <li>{@code p99OverSolo}: p99 (or, unstable, its lower bound) over the same tenant's p99 alone;</li>
 *   <li>{@code sloAttainment}: share of the window's arrivals served within the SLO (NaN without one);</li>
 *   <li>{@code throughputPerSec}: requests or iterations completed per second;</li>
 *   <li>{@code normalizedThroughput}: progress per second over the same tenant's progress alone
 *       ({@link TenantMetrics#progressPerSec}, which counts partly done long requests), 1 = as alone.</li>
 * </ul>
 * "Alone" is the tenant by itself on the whole GPU under MPS with the same seed and load, as the
 * reproduction normalises ({@code PaperStacking}).
 *
 * @param runs  the runs compared (one per policy)
 * @param alone each tenant alone, by tenant name
 */
public record Comparison(List<RunResult> runs, Map<String, TenantMetrics> alone) {

  /** Runs the scenario under each policy and each tenant alone, then compares. */
  public static Comparison run(Scenario s, List<String> policies) {
    List<RunResult> runs = new ArrayList<>();
    for (String p : policies) runs.add(Runner.run(p.equals(s.policyName()) ? s : s.withPolicy(p)));
    return new Comparison(runs, alone(s));
  }

  /** Each tenant of the scenario alone on the whole GPU (MPS, same seed): the reference of the ratios. */
  public static Map<String, TenantMetrics> alone(Scenario s) {
    Map<String, TenantMetrics> out = new LinkedHashMap<>();
    for (Scenario.TenantConfig t : s.tenants()) {
      Scenario one = s.onlyTenants(t.name()).withPolicy("mps").withName(s.nameOrDefault() + "-alone-" + t.name());
      out.put(t.name(), Runner.run(one).tenant(t.name()));
    }
    return out;
  }

  /** The comparison as a Tablesaw table, full precision ({@link TextTable} prints it for people). */
  public Table table() {
    StringColumn tenant = StringColumn.create("tenant");
    StringColumn cls = StringColumn.create("class");
    StringColumn policy = StringColumn.create("policy");
    StringColumn queue = StringColumn.create("queue");
    DoubleColumn p50 = DoubleColumn.create("p50Ms");
    DoubleColumn p99 = DoubleColumn.create("p99Ms");
    DoubleColumn overSolo = DoubleColumn.create("p99OverSolo");
    DoubleColumn slo = DoubleColumn.create("sloAttainment");
    DoubleColumn thr = DoubleColumn.create("throughputPerSec");
    DoubleColumn norm = DoubleColumn.create("normalizedThroughput");
    List<String> names = runs.isEmpty() ? List.of() : runs.get(0).tenants().stream().map(TenantMetrics::tenant).toList();
    for (String name : names) {
      TenantMetrics solo = alone.get(name);
      for (RunResult r : runs) {
        TenantMetrics m = r.tenant(name);
        tenant.append(name);
        cls.append(m.priority().name());
        policy.append(r.policy());
        queue.append(m.stable() ? "stable" : "unstable");
        p50.append(m.p50Ms());
        p99.append(m.p99Ms());
        overSolo.append(solo == null ? Double.NaN : ratio(m.p99OrBoundMs(), solo.p99OrBoundMs()));
        slo.append(m.sloAttainment());
        thr.append(m.throughputPerSec());
        norm.append(solo == null ? Double.NaN : ratio(m.progressPerSec(), solo.progressPerSec()));
      }
    }
    String title = runs.isEmpty() ? "comparison" : runs.get(0).scenario() + " on " + runs.get(0).gpuLabel()
        + ": each tenant under each policy, against the tenant alone";
    return Table.create(title, tenant, cls, policy, queue, p50, p99, overSolo, slo, thr, norm);
  }

  /** The GPU-wide metrics, one row per policy. */
  public Table gpuTable() {
    Table t = null;
    for (RunResult r : runs) t = t == null ? r.gpuTable().copy() : t.append(r.gpuTable());
    return t == null ? Table.create("GPU-wide") : t.setName("GPU-wide, per policy");
  }

  /** The two tables as text, so a notebook's {@code display(comparison)} or a print reads as the CLI's. */
  @Override public String toString() {
    return TextTable.render(table()) + "\n" + TextTable.render(gpuTable());
  }

  private static double ratio(double a, double b) {
    return b > 0 && Double.isFinite(a) ? a / b : Double.NaN;
  }
}
