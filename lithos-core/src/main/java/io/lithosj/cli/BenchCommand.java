package io.lithosj.cli;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lithos bench}: simulated events per second of the modeled GPU on one thread, beside a
 * baseline measured in the same run: a bare {@link PriorityQueue} of event objects doing one
 * push and one pop per event (the floor cost of any discrete-event loop), so the ratio shows
 * what the GPU model adds on this machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure simulated events per second (one core) against a bare event-queue baseline.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--scenario", description = "scenario to simulate (default: datasets/scenarios/stacking-demo.json)",
      defaultValue = "datasets/scenarios/stacking-demo.json")
  Path scenario;

  @Option(names = "--policy", description = "policy (default: mps)", defaultValue = "mps") String policy;
  @Option(names = "--duration-ms", description = "simulated ms per repetition", defaultValue = "5000") double durationMs;
  @Option(names = "--reps", description = "measured repetitions after one warm-up", defaultValue = "3") int reps;

  @Override
  public Integer call() {
    Scenario s = ScenarioLoader.load(scenario).withPolicy(policy).withDurationMs(durationMs, durationMs * 0.1);
    Runner.run(s); // warm-up (JIT)
    double bestSim = 0;
    double bestBlocks = 0;
    long events = 0;
    for (int i = 0; i < reps; i++) {
      RunResult r = Runner.run(s);
      events = r.events();
      bestSim = Math.max(bestSim, r.events() / (r.wallMs() / 1000.0));
      bestBlocks = Math.max(bestBlocks, r.blocksRun() / (r.wallMs() / 1000.0));
    }
    baseline(events); // warm-up
    double bestBase = 0;
    for (int i = 0; i < reps; i++) bestBase = Math.max(bestBase, baseline(events));
    System.out.printf(Locale.ROOT, "scenario %s under %s, %.0f simulated ms, %d events per run%n",
        s.nameOrDefault(), policy, durationMs, events);
    System.out.printf(Locale.ROOT, "modeled GPU:            %,.0f events/s (%,.0f thread blocks/s)%n", bestSim, bestBlocks);
    System.out.printf(Locale.ROOT, "baseline PriorityQueue: %,.0f events/s%n", bestBase);
    System.out.printf(Locale.ROOT, "ratio modeled/baseline: %.2f%n", bestSim / bestBase);
    return 0;
  }

  private record Ev(double t, long seq, int payload) {}

  private static volatile long blackhole;

  /** Events per second of a bare object priority queue holding ~2000 pending events. */
  private static double baseline(long events) {
    PriorityQueue<Ev> q = new PriorityQueue<>((a, b) -> a.t != b.t ? Double.compare(a.t, b.t) : Long.compare(a.seq, b.seq));
    SplittableRandom rng = new SplittableRandom(1);
    long seq = 0;
    for (int i = 0; i < 2000; i++) q.add(new Ev(rng.nextDouble(), seq++, i));
    long sink = 0;
    long t0 = System.nanoTime();
    for (long i = 0; i < events; i++) {
      Ev e = q.poll();
      sink += e.payload;
      q.add(new Ev(e.t + rng.nextDouble(), seq++, e.payload));
    }
    double s = (System.nanoTime() - t0) / 1e9;
    blackhole = sink; // keeps the loop from being optimized away
    return events / s;
  }
}
