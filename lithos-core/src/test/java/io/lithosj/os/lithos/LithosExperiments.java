package io.lithosj.os.lithos;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.KernelConfig;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.experiment.Scenarios;
import io.lithosj.workload.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The LithOS experiments on the modeled H100, as small tables: stacking against the classic
 * mechanisms, the atomization ablation over BE kernel length, right-sizing and power management.
 * The tests in {@link LithosExperimentsTest} assert on shorter runs of these tables;
 * {@link #main} prints them at the scenario's full length (docs/lithos.md quotes that output).
 * Scenario: {@code datasets/scenarios/lithos-stacking.json} (an HP inference service with quota
 * = all TPCs, beside a BE training job whose GEMMs run for milliseconds in 120 µs blocks).
 */
public final class LithosExperiments {
  private LithosExperiments() {}

  /** The scenario file as written (600 ms). */
  public static Scenario stack() { return ScenarioLoader.load(Scenarios.file("lithos-stacking.json")); }

  /** The scenario run for {@code durationMs} (50 ms warm-up). */
  public static Scenario stack(double durationMs) { return stack().withDurationMs(durationMs, WARMUP_MS); }

  static final double WARMUP_MS = 50;

  /** HP p99 and BE throughput per policy; the HP service alone (MPS, whole GPU) is the reference. */
  public static Table stacking(double durationMs, List<String> policies) {
    Scenario s = stack(durationMs);
    double soloP99 = Runner.run(s.onlyTenants("hp-infer").withPolicy("mps")).tenant("hp-infer").p99Ms();
    double beSolo = Runner.run(s.onlyTenants("be-train").withPolicy("mps")).tenant("be-train").throughputPerSec();
    Rows t = new Rows("stacking: hp-infer (HP, 100 req/s) + be-train (BE, ms-long GEMMs) on h100-sxm",
        "policy", "hpP99Ms", "hpP99VsSolo", "beIterPerSec", "beVsAlone", "tpcUtil");
    t.add("solo", soloP99, 1.0, beSolo, 1.0, Double.NaN);
    for (String p : policies) {
      RunResult r = Runner.run(s.withPolicy(p));
      t.add(p, r.tenant("hp-infer").p99OrBoundMs(), r.tenant("hp-infer").p99OrBoundMs() / soloP99,
          r.tenant("be-train").throughputPerSec(), r.tenant("be-train").throughputPerSec() / beSolo, r.tpcUtilization());
    }
    return t.table;
  }

  /**
   * HP p99 as the BE kernel grows (120 µs GEMM blocks, more of them), atomization on and off. The
   * BE job runs its GEMM alone here: whole kernels block HP for up to the longest BE kernel, and
   * the scenario's 3 ms memory-bound Adam step would be that kernel for GEMMs under 3 ms, so the
   * swept length would not be what HP waits for. Run long enough for p99 to be more than the
   * maximum of a few dozen requests ({@link #SWEEP_MS} in {@link #main}).
   */
  public static Table atomizationSweep(double durationMs) {
    Scenario s = stack(durationMs);
    Rows t = new Rows("atomization: HP p99 vs BE kernel length (lithos, BE = GEMM alone)", "beGemmMs", "p99AtomizedMs",
        "p99WholeKernelsMs");
    for (int waves : new int[] {4, 16, 64}) {
      Scenario sc = beGemmOnly(s, waves);
      double gemmMs = waves * 0.120;
      double on = Runner.run(sc.withPolicy("lithos")).tenant("hp-infer").p99Ms();
      double off = Runner.run(sc.withPolicy("lithos", Map.of("atomization", false))).tenant("hp-infer").p99Ms();
      t.add(String.format(Locale.ROOT, "%.2f", gemmMs), on, off);
    }
    return t.table;
  }

  /** Run length of the atomization sweep: ~200 HP requests at 100 req/s. */
  static final double SWEEP_MS = 2000;

  /** The BE job reduced to its GEMM, with {@code waves} full waves (1056 blocks each on 66 TPCs). */
  static Scenario beGemmOnly(Scenario s, int waves) {
    List<TenantConfig> ts = new ArrayList<>();
    for (TenantConfig t : s.tenants()) {
      List<KernelConfig> ks = new ArrayList<>();
      for (KernelConfig k : t.kernels()) {
        if (k.name().equals("gemm")) {
          ks.add(new KernelConfig(k.name(), 1056 * waves, k.threadsPerBlock(), k.regsPerThread(), k.smemPerBlockBytes(),
              k.blockComputeUs(), k.blockDramBytes(), k.clockSensitivity(), k.repeat()));
        } else if (t.priority() != Priority.BE) {
          ks.add(k);
        }
      }
      ts.add(new TenantConfig(t.name(), t.priority(), t.sloMs(), t.tpcQuota(), t.type(), t.arrivals(), t.ratePerSec(),
          t.arrivalMs(), t.batchSize(), t.model(), ks));
    }
    return s.withTenants(ts);
  }

  /**
   * Right-sizing the HP service alone, closed loop (one request after another, so latency is
   * service time, not queueing): latency slip and the TPC-time it holds, per right-sizing model.
   */
  public static Table rightSizing(double slip, double durationMs) {
    Scenario s = closedLoop(stack(durationMs).onlyTenants("hp-infer"));
    Rows t = new Rows("right-sizing (slip " + slip + "): hp-infer alone, closed loop", "rightSizer", "meanMs", "slipPct",
        "busyTpcMsPerReq", "capacitySavedPct", "meanTargetTpcs");
    RunResult base = Runner.run(s.withPolicy("lithos"));
    double baseMs = base.tenant("hp-infer").meanMs();
    double baseTpc = busyTpcMsPerRequest(base);
    t.add("off", baseMs, 0.0, baseTpc, 0.0, base.policyMetrics().get("meanTargetTpcs"));
    for (String model : List.of("fit", "search")) {
      RunResult r = Runner.run(s.withPolicy("lithos", Map.of("rightSizing", true, "rightSizeSlip", slip, "rightSizeModel", model)));
      double ms = r.tenant("hp-infer").meanMs();
      double tpc = busyTpcMsPerRequest(r);
      t.add(model, ms, (ms / baseMs - 1) * 100, tpc, (1 - tpc / baseTpc) * 100, r.policyMetrics().get("meanTargetTpcs"));
    }
    return t.table;
  }

  /** Power management on each tenant alone (closed loop): slowdown and energy per request/iteration. */
  public static Table powerManagement(double slip, double durationMs) {
    Rows t = new Rows("power management (slip " + slip + "): each tenant alone, closed loop", "tenant", "slowdownPct",
        "energyPerItemJ", "energyPerItemJ_pm", "energySavedPct", "meanSmClockMhz");
    for (String tenant : List.of("hp-infer", "be-train")) {
      Scenario s = closedLoop(stack(durationMs).onlyTenants(tenant));
      RunResult off = Runner.run(s.withPolicy("lithos"));
      RunResult on = Runner.run(s.withPolicy("lithos", Map.of("powerManagement", true, "powerSlip", slip)));
      // closed loop, one tenant: time per item = mean latency; energy per item = average power x that time
      double tOff = off.tenants().get(0).meanMs(), tOn = on.tenants().get(0).meanMs();
      double eOff = off.avgPowerW() * tOff / 1000, eOn = on.avgPowerW() * tOn / 1000;
      t.add(tenant, (tOn / tOff - 1) * 100, eOff, eOn, (1 - eOn / eOff) * 100, on.policyMetrics().get("meanSmClockMhz"));
    }
    return t.table;
  }

  /** Busy TPC-ms per request of a closed-loop tenant alone: mean busy TPCs x time per request. */
  static double busyTpcMsPerRequest(RunResult r) {
    return r.tpcUtilization() * 66 * r.tenants().get(0).meanMs();
  }

  static Scenario closedLoop(Scenario s) {
    List<TenantConfig> ts = new ArrayList<>();
    for (TenantConfig t : s.tenants()) {
      boolean inf = "inference".equals(t.type());
      ts.add(new TenantConfig(t.name(), t.priority(), t.sloMs(), t.tpcQuota(), t.type(), inf ? "closed" : null, null, null,
          t.batchSize(), t.model(), t.kernels()));
    }
    return s.withTenants(ts);
  }

  public static void main(String[] args) {
    double ms = stack().durationMsOrDefault();
    System.out.println(stacking(ms, List.of("mps", "priority", "time-slicing", "mig", "lithos")).printAll());
    System.out.println(atomizationSweep(SWEEP_MS).printAll());
    System.out.println(rightSizing(0.04, ms).printAll());
    System.out.println(powerManagement(0.07, ms).printAll());
  }

  /** A table built row by row: first column text, the rest numbers. */
  static final class Rows {
    final Table table;

    Rows(String title, String first, String... numeric) {
      table = Table.create(title).addColumns(StringColumn.create(first));
      for (String n : numeric) table.addColumns(DoubleColumn.create(n));
    }

    void add(String key, double... values) {
      table.stringColumn(0).append(key);
      for (int i = 0; i < values.length; i++) table.doubleColumn(i + 1).append(values[i]);
    }
  }

  static Map<String, Double> row(Table t, String key) {
    int i = t.stringColumn(0).indexOf(key);
    if (i < 0) throw new IllegalArgumentException("no row '" + key + "' in " + t.name());
    Map<String, Double> m = new LinkedHashMap<>();
    for (int c = 1; c < t.columnCount(); c++) m.put(t.column(c).name(), t.doubleColumn(c).get(i));
    return m;
  }
}
