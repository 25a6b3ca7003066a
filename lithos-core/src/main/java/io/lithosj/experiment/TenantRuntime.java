package io.lithosj.experiment;

import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Drives one tenant during a run: makes requests arrive (or iterations loop), keeps them in a
 * FIFO queue, submits each request's kernels one after another (stream order) when its
 * {@link KernelIssuer} says the framework has issued them, and records latencies after the warm-up.
 */
final class TenantRuntime {
  interface Clock {
    double nowMs();
    void at(double ms, Runnable r);
  }

  final int index;
  final TenantSpec spec;
  private final List<Kernel> kernels;
  private final Clock clock;
  private final Consumer<KernelLaunch> submit;
  private final SplittableRandom rng;
  private final double warmupMs;
  private final ArrayDeque<Double> queue = new ArrayDeque<>(); // arrival times
  private final LaunchIds ids;
  final KernelIssuer issuer;
  private boolean busy;
  private int nextKernel;
  private double currentArrivalMs;

  final Histogram latencyUs = new Histogram(3_600_000_000L, 3);
  long completed;
  long completedWithinSlo;
  long arrived;

  interface LaunchIds { long next(); }

  TenantRuntime(int index, TenantSpec spec, Clock clock, Consumer<KernelLaunch> submit, long seed,
                double warmupMs, LaunchIds ids, KernelIssuer issuer) {
    this.index = index;
    this.spec = spec;
    this.kernels = spec.workload().kernels();
    this.clock = clock;
    this.submit = submit;
    this.rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    this.warmupMs = warmupMs;
    this.ids = ids;
    this.issuer = issuer;
  }

  void start() {
    if (spec.workload() instanceof Workload.Inference inf) {
      Arrivals a = inf.arrivals();
      if (a instanceof Arrivals.Poisson p) {
        scheduleNextPoisson(p.ratePerSec());
      } else if (a instanceof Arrivals.Trace t) {
        t.arrivalMs().forEach(ms -> clock.at(ms, this::arrive));
      } else {
        arrive();
      }
    } else {
      arrive(); // training: iterations back to back
    }
  }

  private void scheduleNextPoisson(double ratePerSec) {
    double gapMs = -Math.log(1.0 - rng.nextDouble()) * 1000.0 / ratePerSec;
    clock.at(clock.nowMs() + gapMs, () -> {
      arrive();
      scheduleNextPoisson(ratePerSec);
    });
  }

  private void arrive() {
    arrived++;
    queue.add(clock.nowMs());
    if (!busy) startNext();
  }

  private void startNext() {
    Double arrival = queue.poll();
    if (arrival == null) {
      busy = false;
      return;
    }
    busy = true;
    currentArrivalMs = arrival;
    nextKernel = 0;
    issuer.startRequest(clock.nowMs());
    submitKernel();
  }

  private void submitKernel() {
    double now = clock.nowMs();
    double readyMs = issuer.readyMs(nextKernel, now);
    if (readyMs > now) clock.at(readyMs, this::submitIssued); // the host has not issued it yet
    else submitIssued();
  }

  private void submitIssued() {
    Kernel k = kernels.get(nextKernel);
    KernelLaunch launch = new KernelLaunch(ids.next(), index, k, nextKernel, clock.nowMs());
    issuer.submitted(launch.id());
    submit.accept(launch);
  }

  /** The runner calls this when a launch of this tenant completed. */
  void launchDone() {
    issuer.completed(nextKernel, clock.nowMs());
    nextKernel++;
    if (nextKernel < kernels.size()) {
      submitKernel();
      return;
    }
    double now = clock.nowMs();
    record(currentArrivalMs, now);
    boolean closedLoop = !(spec.workload() instanceof Workload.Inference inf)
        || inf.arrivals() instanceof Arrivals.ClosedLoop;
    if (closedLoop) queue.add(now);
    startNext();
  }

  private void record(double arrivalMs, double endMs) {
    if (arrivalMs < warmupMs) return;
    double ms = endMs - arrivalMs;
    latencyUs.recordValue(Math.max(1, Math.round(ms * 1000.0)));
    completed++;
    if (spec.sloMs() <= 0 || ms <= spec.sloMs()) completedWithinSlo++;
  }

  /**
   * Requests still queued or running at the end count with their age so far (a lower bound),
   * so an overloaded tenant shows its backlog in the tail instead of hiding it.
   */
  long recordUnfinished(double endMs) {
    long n = 0;
    if (busy && currentArrivalMs >= warmupMs) {
      latencyUs.recordValue(Math.max(1, Math.round((endMs - currentArrivalMs) * 1000.0)));
      n++;
    }
    boolean openLoop = spec.workload() instanceof Workload.Inference inf && !(inf.arrivals() instanceof Arrivals.ClosedLoop);
    if (openLoop) {
      for (double a : queue) {
        if (a >= warmupMs) {
          latencyUs.recordValue(Math.max(1, Math.round((endMs - a) * 1000.0)));
          n++;
        }
      }
    }
    return n;
  }
}
