package io.lithosj.experiment;

import io.lithosj.output.Csv;
import io.lithosj.output.SafeOutput;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Everything one run measured: per-tenant metrics, GPU-level utilization and energy, and the
 * latency histograms (for CDF plots).
 *
 * @param tpcUtilization  busy TPC-time over (TPCs × measured time)
 * @param energyJ         energy over the whole run (warm-up included)
 * @param backendInfo     how the real GPU ran (device, calibration, replay sizing, launches, NVML; {@code CudaBackend.stats()}); empty on the modeled GPU
 */
public record RunResult(String scenario, String policy, String gpu, String backend, long seed, double durationMs,
                        List<TenantMetrics> tenants, double tpcUtilization, double energyJ, double avgPowerW,
                        long events, long blocksRun, double wallMs, Map<String, Double> policyMetrics,
                        Map<String, Histogram> latencyHistograms, Map<String, Object> backendInfo) {

  /**
   * The same run under another policy label, so variants of one policy (a parameter sweep) get
   * their own legend entry and colour in {@code Charts}.
   */
  public RunResult withPolicyLabel(String label) {
    return new RunResult(scenario, label, gpu, backend, seed, durationMs, tenants, tpcUtilization, energyJ, avgPowerW, events,
        blocksRun, wallMs, policyMetrics, latencyHistograms, backendInfo);
  }

  public TenantMetrics tenant(String name) {
    return tenants.stream().filter(t -> t.tenant().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no tenant '" + name + "' in " + scenario));
  }

  /**
   * One row per tenant: the tenant's own metrics, full precision (GPU-wide metrics are in
   * {@link #gpuTable}, not repeated per tenant). {@code queue} is the stability verdict
   * ({@link TenantMetrics}); an unstable tenant's percentiles are NaN and {@code p99LowerBoundMs}
   * bounds its p99 from below. {@code io.lithosj.report.TextTable} prints it for people.
   */
  public Table table() {
    Table t = Table.create(scenario + " / " + policy + " on " + gpuLabel());
    t.addColumns(
        StringColumn.create("policy", tenants.stream().map(x -> policy)),
        StringColumn.create("tenant", tenants.stream().map(TenantMetrics::tenant)),
        StringColumn.create("class", tenants.stream().map(x -> x.priority().name())),
        StringColumn.create("kind", tenants.stream().map(TenantMetrics::kind)),
        LongColumn.create("arrived", tenants.stream().mapToLong(TenantMetrics::arrived).toArray()),
        LongColumn.create("completed", tenants.stream().mapToLong(TenantMetrics::completed).toArray()),
        LongColumn.create("unfinished", tenants.stream().mapToLong(TenantMetrics::unfinished).toArray()),
        StringColumn.create("queue", tenants.stream().map(x -> x.stable() ? "stable" : "unstable")),
        dbl("throughputPerSec", tenants.stream().mapToDouble(TenantMetrics::throughputPerSec).toArray()),
        dbl("progressPerSec", tenants.stream().mapToDouble(TenantMetrics::progressPerSec).toArray()),
        dbl("p50Ms", tenants.stream().mapToDouble(TenantMetrics::p50Ms).toArray()),
        dbl("p90Ms", tenants.stream().mapToDouble(TenantMetrics::p90Ms).toArray()),
        dbl("p99Ms", tenants.stream().mapToDouble(TenantMetrics::p99Ms).toArray()),
        dbl("p999Ms", tenants.stream().mapToDouble(TenantMetrics::p999Ms).toArray()),
        dbl("p99LowerBoundMs", tenants.stream().mapToDouble(TenantMetrics::p99LowerBoundMs).toArray()),
        // no SLO (0) is a missing value, not a 0 ms target
        dbl("sloMs", tenants.stream().mapToDouble(x -> x.sloMs() > 0 ? x.sloMs() : Double.NaN).toArray()),
        dbl("sloAttainment", tenants.stream().mapToDouble(TenantMetrics::sloAttainment).toArray()),
        dbl("goodputPerSec", tenants.stream().mapToDouble(TenantMetrics::goodputPerSec).toArray()));
    return t;
  }

  /** The GPU-wide metrics of the run, one row: busy TPC share, energy, average power, events. */
  public Table gpuTable() {
    Table t = Table.create(scenario + " / " + policy + ": GPU-wide");
    t.addColumns(StringColumn.create("policy", policy), StringColumn.create("gpu", gpuLabel()),
        dbl("tpcUtilization", new double[] {tpcUtilization}), dbl("energyJ", new double[] {energyJ}),
        dbl("avgPowerW", new double[] {avgPowerW}), LongColumn.create("events", events));
    return t;
  }

  /** The GPU as results are labelled: {@code modeled h100-sxm (sim)} or {@code real h200 (cuda)}. */
  public String gpuLabel() {
    return ("sim".equals(backend) ? "modeled " : "real ") + gpu + " (" + backend + ")";
  }

  private static DoubleColumn dbl(String name, double[] v) {
    return DoubleColumn.create(name, v);
  }

  /** CSV (RFC 4180: a field is quoted only if it holds , " or a line break) with fixed formatting so two identical runs give byte-identical files. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(
        "scenario,policy,gpu,backend,seed,tenant,class,kind,arrived,completed,unfinished,queue,throughputPerSec,progressPerSec,"
            + "p50Ms,p90Ms,p99Ms,p999Ms,meanMs,p99LowerBoundMs,sloMs,sloAttainment,goodputPerSec,tpcUtilization,energyJ,avgPowerW\n");
    for (TenantMetrics m : tenants) {
      sb.append(Csv.row(scenario, policy, gpu, backend, Long.toString(seed), m.tenant(), m.priority().name(),
          m.kind(), Long.toString(m.arrived()), Long.toString(m.completed()), Long.toString(m.unfinished()),
          m.stable() ? "stable" : "unstable", f(m.throughputPerSec()), f(m.progressPerSec()), f(m.p50Ms()), f(m.p90Ms()), f(m.p99Ms()),
          f(m.p999Ms()), f(m.meanMs()), f(m.p99LowerBoundMs()), f(m.sloMs()), f(m.sloAttainment()), f(m.goodputPerSec()), f(tpcUtilization),
          f(energyJ), f(avgPowerW)));
    }
    return sb.toString();
  }

  /** Writes {@link #toCsv} atomically (a temporary file, then a rename), so no half file is left. */
  public void writeCsv(Path file) {
    SafeOutput.write(file, toCsv());
  }

  private static String f(double v) { return String.format(Locale.ROOT, "%.6g", v); }

  @Override public String toString() {
    return String.format(Locale.ROOT, "%s under %s on %s (%s): ", scenario, policy, gpu, backend)
        + tenants.stream().map(m -> String.format(Locale.ROOT, "%s p99=%sms thr=%.1f/s", m.tenant(), m.p99Text(), m.throughputPerSec()))
            .collect(Collectors.joining("; "));
  }
}
