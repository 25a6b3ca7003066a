package io.lithosj.bench;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a policy costs as tenants grow (issue 16 item 8): {@link ManyTenants} with 10, 50 and 200
 * tenants, the same offered work, {@value #DURATION_MS} simulated ms under MPS and LithOS. The
 * JMH score is wall ms per run ({@code java -jar lithos-bench/target/benchmarks.jar TenantScalingBench});
 * {@link #main} prints CPU time per simulated event beside two baselines of the same run: MPS on
 * the same tenants, and the same policy with 10 tenants
 * ({@code java -cp lithos-bench/target/benchmarks.jar io.lithosj.bench.TenantScalingBench [reps]}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TenantScalingBench {
  static final double DURATION_MS = 100;

  @Param({"10", "50", "200"}) int tenants;
  @Param({"mps", "lithos"}) String policy;
  Scenario s;

  @Setup
  public void build() {
    s = ManyTenants.scenario(tenants, policy, DURATION_MS);
  }

  @Benchmark
  public long run() {
    return Runner.run(s).events();
  }

  /**
   * The per-event table: each case run {@code reps} times (default 5) after three warm-up runs, the
   * least CPU time of this thread counting (CPU time, not wall time, and the best of several: on a
   * shared machine other processes disturb it far less; JMH's wall-clock table above it in a
   * {@code java -jar benchmarks.jar} run swung by +-200% here). Each cost is set against two
   * baselines of the same run: MPS on the same tenants, and the same policy with 10 tenants.
   */
  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    int[] counts = {10, 50, 200};
    String[] policies = {"mps", "lithos"};
    Map<String, Double> nsPerEvent = new TreeMap<>();
    for (String p : policies) {
      for (int n : counts) {
        Scenario sc = ManyTenants.scenario(n, p, DURATION_MS);
        Runner.run(sc); // warm-up (JIT): runs of a few ms left the JIT's transient in the figures
        Runner.run(sc);
        long events = Runner.run(sc).events(); // deterministic: every run has these events
        double bestNs = Double.POSITIVE_INFINITY;
        for (int i = 0; i < reps; i++) {
          long c0 = cpu.getCurrentThreadCpuTime();
          Runner.run(sc);
          bestNs = Math.min(bestNs, cpu.getCurrentThreadCpuTime() - c0);
        }
        nsPerEvent.put(p + "@" + n, bestNs / events);
        System.out.printf(Locale.ROOT, "%s, %d tenants: %d events, best of %d runs %.1f ms CPU%n", p, n, events, reps, bestNs / 1e6);
      }
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "ManyTenants, %.0f simulated ms, CPU ns per simulated event%n", DURATION_MS);
    System.out.println("tenants  policy   ns/event   vs mps, same tenants   vs 10 tenants, same policy");
    for (String p : policies) {
      for (int n : counts) {
        double v = nsPerEvent.get(p + "@" + n);
        System.out.printf(Locale.ROOT, "%7d  %-7s %9.0f   %19.2fx   %25.2fx%n", n, p, v, v / nsPerEvent.get("mps@" + n),
            v / nsPerEvent.get(p + "@" + counts[0]));
      }
    }
  }
}
