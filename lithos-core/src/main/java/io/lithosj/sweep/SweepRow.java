package io.lithosj.sweep;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.TenantMetrics;
import java.io.Serializable;
import java.util.List;

/**
 * One tenant of one sweep point: the point's key and what the run measured. Only deterministic
 * quantities (no wall time), so two runs of a sweep give equal rows.
 *
 * @param simulatedMs the run's simulated time (window and drain are not split: {@code durationMs}), for throughput figures
 */
public record SweepRow(int point, String policy, List<String> key, long seed, String tenant, String priority, String kind,
                       long arrived, long completed, long unfinished, boolean stable, double throughputPerSec,
                       double progressPerSec, double p50Ms, double p99Ms, double p999Ms, double meanMs,
                       double p99LowerBoundMs, double sloMs, double sloAttainment, double goodputPerSec,
                       double tpcUtilization, double energyJ, double avgPowerW, long events, double simulatedMs)
    implements Serializable {

  /** Column names after the key columns, in {@link #values} order. */
  public static final List<String> METRICS = List.of("seed", "tenant", "class", "kind", "arrived", "completed", "unfinished",
      "queue", "throughputPerSec", "progressPerSec", "p50Ms", "p99Ms", "p999Ms", "meanMs", "p99LowerBoundMs", "sloMs",
      "sloAttainment", "goodputPerSec", "tpcUtilization", "energyJ", "avgPowerW", "events", "simulatedMs");

  static SweepRow of(SweepPoint p, RunResult r, TenantMetrics m) {
    return new SweepRow(p.index(), p.policy(), p.key(), r.seed(), m.tenant(), m.priority().name(), m.kind(), m.arrived(),
        m.completed(), m.unfinished(), m.stable(), m.throughputPerSec(), m.progressPerSec(), m.p50Ms(), m.p99Ms(),
        m.p999Ms(), m.meanMs(), m.p99LowerBoundMs(), m.sloMs(), m.sloAttainment(), m.goodputPerSec(), r.tpcUtilization(),
        r.energyJ(), r.avgPowerW(), r.events(), r.durationMs());
  }

  /**
   * The metric columns as values (Long, String, Double) in {@link #METRICS} order. Doubles stay
   * exact; the CSV writes them with {@link Double#toString}, which reads back to the same bits.
   */
  public List<Object> values() {
    return List.of(seed, tenant, priority, kind, arrived, completed, unfinished, stable ? "stable" : "unstable",
        throughputPerSec, progressPerSec, p50Ms, p99Ms, p999Ms, meanMs, p99LowerBoundMs, sloMs, sloAttainment,
        goodputPerSec, tpcUtilization, energyJ, avgPowerW, events, simulatedMs);
  }
}
