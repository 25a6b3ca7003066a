package io.lithosj.experiment;

import io.lithosj.backend.DispatchModel;
import io.lithosj.gpu.GpuSpec;
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
  private double windowEndMs = Double.POSITIVE_INFINITY; // set by closeWindow
  private final double[] kernelWorkUs; // each kernel's latency alone on the whole GPU: its share of the work
  final double requestWorkUs;          // a whole request's (iteration's) work
  private final ArrayDeque<Double> queue = new ArrayDeque<>(); // arrival times
  private final LaunchIds ids;
  final KernelIssuer issuer;
  private boolean busy;
  private int nextKernel;
  private double currentArrivalMs;

  /** Latencies of requests that arrived in the measured window and finished: the only samples. */
  final Histogram latencyUs = new Histogram(3_600_000_000L, 3);
  /** {@link #latencyUs} plus each unfinished request at its age: a lower bound on every percentile. */
  Histogram boundUs;
  long completed;          // arrived in the window and finished
  long completedWithinSlo;
  long arrivedInWindow;    // arrivals at or after the warm-up
  long unfinishedInWindow; // set by recordUnfinished
  long backlogAtWindowStart = -1;
  long backlogAtEnd;
  boolean stableAtClose = true;
  private double lastWindowArrivalMs = Double.NEGATIVE_INFINITY;
  /** Alone-equivalent GPU time of the kernels completed in the window (partial requests count). */
  double workDoneUs;

  interface LaunchIds { long next(); }

  TenantRuntime(int index, TenantSpec spec, GpuSpec gpu, Clock clock, Consumer<KernelLaunch> submit, long seed,
                double warmupMs, LaunchIds ids, KernelIssuer issuer) {
    this.index = index;
    this.spec = spec;
    this.kernels = spec.workload().kernels();
    this.clock = clock;
    this.submit = submit;
    this.rng = new SplittableRandom(streamSeed(seed, index));
    this.warmupMs = warmupMs;
    this.ids = ids;
    this.issuer = issuer;
    this.kernelWorkUs = Scenario.soloKernelUs(kernels, gpu, DispatchModel.HARDWARE);
    double sum = 0; // in kernel order (DoubleStream.sum compensates, and would move the last digit)
    for (double us : kernelWorkUs) sum += us;
    this.requestWorkUs = sum;
  }

  /**
   * An independent stream per (seed, tenant). SplittableRandom(s) steps its state by the golden
   * gamma 0x9E3779B97F4A7C15, so seeding it with seed * gamma + index made seed n+1's stream seed
   * n's shifted by one draw (the same arrivals, one gap later): mix the pair first (SplitMix64's finalizer).
   */
  static long streamSeed(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
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

  private boolean inWindow(double ms) { return ms >= warmupMs && ms < windowEndMs; }

  private void arrive() {
    if (inWindow(clock.nowMs())) {
      arrivedInWindow++;
      lastWindowArrivalMs = clock.nowMs();
    }
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
    double doneMs = clock.nowMs();
    if (doneMs >= warmupMs && doneMs <= windowEndMs) workDoneUs += kernelWorkUs[nextKernel];
    issuer.completed(nextKernel, doneMs);
    nextKernel++;
    if (nextKernel < kernels.size()) {
      submitKernel();
      return;
    }
    double now = clock.nowMs();
    record(currentArrivalMs, now);
    boolean closedLoop = !(spec.workload() instanceof Workload.Inference inf)
        || inf.arrivals() instanceof Arrivals.ClosedLoop;
    if (closedLoop) {
      if (inWindow(now)) arrivedInWindow++;
      queue.add(now);
    }
    startNext();
  }

  private void record(double arrivalMs, double endMs) {
    if (!inWindow(arrivalMs)) return;
    if (!openLoop() && endMs > windowEndMs) return; // a closed loop's throughput is the window's own
    double ms = endMs - arrivalMs;
    latencyUs.recordValue(Math.max(1, Math.round(ms * 1000.0)));
    completed++;
    if (spec.sloMs() <= 0 || ms <= spec.sloMs()) completedWithinSlo++;
  }

  /** Requests queued or in service now. */
  long backlog() { return queue.size() + (busy ? 1 : 0); }

  /** The runner calls this when the measured window begins (at the end of the warm-up). */
  void markWindowStart() { backlogAtWindowStart = backlog(); }

  /**
   * The measured window ends now: later arrivals are not measured, and the stability verdict
   * ({@link TenantMetrics#isStable}) is taken on the window's own counts, before any drain.
   */
  void closeWindow(double endMs) {
    windowEndMs = endMs;
    backlogAtEnd = backlog();
    if (backlogAtWindowStart < 0) backlogAtWindowStart = 0;
    stableAtClose = TenantMetrics.isStable(openLoop(), arrivedInWindow, arrivedInWindow - completed, backlogAtWindowStart, backlogAtEnd);
  }

  /**
   * A stable open-loop tenant with requests of the window still queued or running that can still
   * meet its SLO: the run drains them. FIFO: the pending ones are the newest, and the window's last
   * arrival has the latest deadline; once it passed, every pending request has missed the SLO and
   * waiting longer would only refine latencies already counted as misses (they stay unfinished).
   * Without an SLO the drain waits for them all (up to the scenario's {@code drainMs}).
   */
  boolean wantsDrain(double nowMs) {
    if (!openLoop() || !stableAtClose || completed >= arrivedInWindow) return false;
    return spec.sloMs() <= 0 || nowMs < lastWindowArrivalMs + spec.sloMs();
  }

  boolean openLoop() {
    return spec.workload() instanceof Workload.Inference inf && !(inf.arrivals() instanceof Arrivals.ClosedLoop);
  }

  /**
   * At the run's end: counts the window's requests still queued or running as unfinished (never
   * as latency samples) and builds {@link #boundUs}, the samples plus each unfinished request at
   * its age so far (its latency is at least that).
   */
  void recordUnfinished(double endMs) {
    if (windowEndMs == Double.POSITIVE_INFINITY) closeWindow(endMs);
    boundUs = latencyUs.copy();
    long n = 0;
    if (busy && inWindow(currentArrivalMs)) {
      boundUs.recordValue(Math.max(1, Math.round((endMs - currentArrivalMs) * 1000.0)));
      n++;
    }
    for (double a : queue) {
      if (inWindow(a)) {
        boundUs.recordValue(Math.max(1, Math.round((endMs - a) * 1000.0)));
        n++;
      }
    }
    unfinishedInWindow = n;
  }
}
