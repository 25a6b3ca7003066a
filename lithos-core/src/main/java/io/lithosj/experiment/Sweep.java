package io.lithosj.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs many independent scenarios on all cores. Each run is single-threaded and deterministic,
 * so the results (returned in input order) do not depend on the thread count.
 */
public final class Sweep {
  private Sweep() {}

  public static List<RunResult> run(List<Scenario> scenarios) {
    return run(scenarios, Runtime.getRuntime().availableProcessors(), s -> {});
  }

  /** {@code progress} hears a line such as {@code [3/40] inference-stacking / lithos} as runs finish. */
  public static List<RunResult> run(List<Scenario> scenarios, int threads, Consumer<String> progress) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "lithos-sweep");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<RunResult>> futures = new ArrayList<>();
      for (Scenario s : scenarios) {
        futures.add(pool.submit(() -> {
          RunResult r = Runner.run(s);
          progress.accept("[" + done.incrementAndGet() + "/" + scenarios.size() + "] " + s.nameOrDefault() + " / " + r.policy());
          return r;
        }));
      }
      List<RunResult> out = new ArrayList<>();
      for (Future<RunResult> f : futures) out.add(f.get());
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
}
