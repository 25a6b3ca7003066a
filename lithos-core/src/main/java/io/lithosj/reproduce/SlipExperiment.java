package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.figures.Charts;
import io.lithosj.figures.Titles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A LithOS mechanism that trades a latency slip k for savings (the right-sizer saves TPC-time,
 * the power manager energy), measured per tenant alone under a closed loop so every run does the
 * same work per request: saving = 1 - cost per request with the mechanism / cost without;
 * slowdown = mean latency with / without - 1.
 */
final class SlipExperiment {
  /** Which mechanism, its switch and slip parameter, and what it saves. */
  enum Mechanism {
    RIGHT_SIZING("rightSizing", "rightSizeSlip", "TPC-time"),
    POWER("powerManagement", "powerSlip", "energy");

    final String flag;
    final String slipParam;
    final String saves;

    Mechanism(String flag, String slipParam, String saves) {
      this.flag = flag;
      this.slipParam = slipParam;
      this.saves = saves;
    }

    /** Busy TPC-seconds or joules per completed request (per second of run / requests per second). */
    double costPerRequest(RunResult r, TenantMetrics m) {
      double perSecond = this == RIGHT_SIZING ? r.tpcUtilization() : r.avgPowerW();
      return perSecond / Math.max(m.throughputPerSec(), 1e-9);
    }
  }

  record Point(String tenant, double slip, double savedPct, double slowdownPct) {}

  private SlipExperiment() {}

  /** {@code extra}: further LithOS parameters for every run (e.g. the right-sizer's model). */
  static List<Point> run(ExperimentContext ctx, String id, Scenario scenario, Mechanism mech, double[] slips,
                         Map<String, Object> extra) {
    List<String> tenants = scenario.tenants().stream().map(Scenario.TenantConfig::name).toList();
    List<Scenario> runs = new ArrayList<>();
    for (String t : tenants) {
      Scenario alone = scenario.onlyTenants(t).withName(scenario.nameOrDefault() + "-" + t);
      if (alone.tenants().get(0).type() == null || "inference".equals(alone.tenants().get(0).type())) {
        alone = alone.withArrivals(t, "closed", null);
      }
      runs.add(alone.withPolicy("lithos", params(extra, mech.flag, false)));
      for (double k : slips) runs.add(alone.withPolicy("lithos", params(extra, mech.flag, true, mech.slipParam, k)));
    }
    List<RunResult> results = ctx.runAll(runs);
    List<Point> points = new ArrayList<>();
    StringColumn ten = StringColumn.create("tenant");
    DoubleColumn slip = DoubleColumn.create("slip");
    DoubleColumn saved = DoubleColumn.create("savedPct");
    DoubleColumn slow = DoubleColumn.create("slowdownPct");
    int i = 0;
    for (String t : tenants) {
      RunResult off = results.get(i++);
      TenantMetrics mOff = off.tenant(t);
      for (int s = 0; s < slips.length; s++) {
        RunResult on = results.get(i++);
        TenantMetrics mOn = on.tenant(t);
        double savedPct = 100 * (1 - mech.costPerRequest(on, mOn) / mech.costPerRequest(off, mOff));
        double slowPct = 100 * (mOn.meanMs() / mOff.meanMs() - 1);
        points.add(new Point(t, slips[s], savedPct, slowPct));
        ten.append(t);
        slip.append(slips[s]);
        saved.append(savedPct);
        slow.append(slowPct);
      }
    }
    Table table = Table.create(id).addColumns(ten, slip, saved, slow);
    Charts.save(chart(id, ctx.gpu(), mech, table), ctx.figuresDir(), ctx.prefix(id));
    Tables.write(table, ctx.dataDir().resolve(ctx.prefix(id) + ".csv"));
    return points;
  }

  /** The experiments of this kind that the reproduction runs, by id, with their mechanism. */
  static final Map<String, Mechanism> IDS = Map.of("rightsizing", Mechanism.RIGHT_SIZING,
      "rightsizing-search", Mechanism.RIGHT_SIZING, "power", Mechanism.POWER);

  /**
   * The figure of one slip experiment from its data (tenant, slip, savedPct, slowdownPct rows, as written to
   * figures/data), so the figure can be drawn again from committed data without running anything.
   */
  static XYChart chart(String id, String gpu, Mechanism mech, Table data) {
    Map<String, double[][]> lines = new LinkedHashMap<>();
    for (String t : data.stringColumn("tenant").asList().stream().distinct().toList()) {
      Table rows = data.where(data.stringColumn("tenant").isEqualTo(t));
      lines.put(t, new double[][] {rows.doubleColumn("slowdownPct").asDoubleArray(), rows.doubleColumn("savedPct").asDoubleArray()});
    }
    // one seed: each tenant runs alone in a closed loop, so a run has no arrival randomness for seeds to average
    return Charts.linesOfTenants(id + ", " + Titles.where("sim", gpu) + ": LithOS " + mech.saves + " saved, each tenant alone (1 seed)",
        "slowdown of mean latency (%); points: slip k", mech.saves + " saved per request (%)", lines);
  }

  private static Map<String, Object> params(Map<String, Object> extra, Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  /** Mean over tenants at one slip. */
  static double[] meanAt(List<Point> points, double slip) {
    double saved = 0;
    double slow = 0;
    int n = 0;
    for (Point p : points) {
      if (p.slip() == slip) {
        saved += p.savedPct();
        slow += p.slowdownPct();
        n++;
      }
    }
    return new double[] {saved / n, slow / n};
  }
}
