package io.lithosj.experiment;

import io.lithosj.progress.AmbientProgress;
import io.lithosj.progress.Durations;
import io.lithosj.progress.ProgressListener;
import io.lithosj.progress.ProgressTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Runs many independent scenarios on all cores. Each run is single-threaded and deterministic,
 * so the results (returned in input order) do not depend on the thread count.
 */
public final class Sweep {
  private Sweep() {}

  public static List<RunResult> run(List<Scenario> scenarios) {
    return run(scenarios, Runtime.getRuntime().availableProcessors(), s -> {});
  }

  /**
   * {@code log} hears a line such as {@code [3/40] inference-stacking / lithos (1 min 05 s elapsed, about
   * 12 min left)} as runs finish; the sweep's progress also goes to {@link AmbientProgress} (a notebook's
   * display updated in place), which is silent outside a notebook.
   */
  public static List<RunResult> run(List<Scenario> scenarios, int threads, Consumer<String> log) {
    return run(scenarios, threads, log, AmbientProgress.open(label(scenarios)));
  }

  /** As above, progress (runs done, counting a running one by its fraction; time left) to {@code progress}. */
  public static List<RunResult> run(List<Scenario> scenarios, int threads, Consumer<String> log, ProgressListener progress) {
    // state updates at most 4 times a second: enough to look live, few enough for a notebook's message queue
    ProgressTracker tracker = new ProgressTracker(label(scenarios), scenarios.size(), progress, 250);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "lithos-sweep");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger done = new AtomicInteger();
    long startNanos = System.nanoTime();
    try {
      List<Future<RunResult>> futures = new ArrayList<>();
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        DoubleConsumer unit = tracker.unit(i);
        int index = i;
        futures.add(pool.submit(() -> {
          RunResult r = Runner.run(s, unit);
          tracker.complete(index);
          int n = done.incrementAndGet();
          log.accept("[" + n + "/" + scenarios.size() + "] " + s.nameOrDefault() + " / " + r.policy()
              + " (" + timeText(n, scenarios.size(), (System.nanoTime() - startNanos) / 1e9) + ")");
          return r;
        }));
      }
      List<RunResult> out = new ArrayList<>();
      for (Future<RunResult> f : futures) out.add(f.get());
      tracker.finish();
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sweep interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** "12 s elapsed, about 40 s left" after {@code n} of {@code total} runs. */
  private static String timeText(int n, int total, double elapsedSec) {
    String elapsed = Durations.format(elapsedSec) + " elapsed";
    return n >= total ? elapsed : elapsed + ", about " + Durations.format(elapsedSec * (total - n) / n) + " left";
  }

  /** "inference-stacking: 3 runs", or "sweep: 3 runs" when the scenarios have different names. */
  static String label(List<Scenario> scenarios) {
    List<String> names = scenarios.stream().map(Scenario::nameOrDefault).distinct().toList();
    return (names.size() == 1 ? names.get(0) : "sweep") + ": " + scenarios.size() + (scenarios.size() == 1 ? " run" : " runs");
  }
}
