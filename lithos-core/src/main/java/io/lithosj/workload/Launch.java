package io.lithosj.workload;

import java.util.Locale;

/**
 * How a tenant's framework hands its kernels to the GPU, and what that costs. One model, used
 * alike by every policy and both backends' runners (through {@code experiment.KernelIssuer}), by
 * a scenario's {@code load} and by the per-trace fit of the host cost.
 *
 * <ul>
 *   <li>{@link Mode#GRAPH} (TensorRT, ONNX Runtime, TensorRT-LLM; CUDA graph replay): a request's
 *       kernels are queued at once. No host time per kernel; the request pays one graph launch
 *       (the GPU's launch overhead, before its first kernel), and each later kernel starts
 *       {@link #GRAPH_KERNEL_GAP_US} after the previous one ends instead of paying a launch.</li>
 *   <li>{@link Mode#EAGER} (eager PyTorch): one host thread issues kernel k at
 *       {@code issue(k) = max(issue(k-1) + hostLaunchUs, complete(k - LAUNCH_QUEUE_DEPTH))}, the
 *       first {@code hostLaunchUs} after the request (iteration) starts. Kernel k reaches the policy
 *       at {@code max(issue(k), complete(k-1))} (stream order) and its first atom waits
 *       {@code max(QUEUED_STREAM_GAP_US, issue(k) + launch overhead - then)}: a kernel the host
 *       queued early starts a stream gap after its predecessor, a late one a launch latency after
 *       its issue. A launch-bound job so leaves the GPU idle between kernels.</li>
 * </ul>
 *
 * @param mode         graph or eager
 * @param hostLaunchUs eager: host time per kernel (framework + launch call); 0 for graph
 */
public record Launch(Mode mode, double hostLaunchUs) {

  public enum Mode {
    GRAPH, EAGER;

    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** {@code graph} or {@code eager} (any case); else an IllegalArgumentException naming both. */
    public static Mode parse(String s) {
      for (Mode m : values()) if (m.id().equalsIgnoreCase(s)) return m;
      throw new IllegalArgumentException("must be 'graph' or 'eager', was '" + s + "'");
    }
  }

  /**
   * Gap between consecutive kernels of one stream when the second was already queued: pooled
   * median of 23,152 such kernels in the 13 H100 Chrome traces of datasets/traces/raw (eager
   * PyTorch under torch.profiler; {@code datasets/launch/stream_gaps.py}; per trace 1.15-1.63 µs).
   * The H200 probe found 1.12 µs ({@code datasets/launch/h200-launch-probe.json}).
   */
  public static final double QUEUED_STREAM_GAP_US = 1.473;

  /**
   * Gap between consecutive kernels of a CUDA graph replay: median over 4,995 gaps of graphs of
   * 100 and 1000 small kernels replayed on an H200 (driver 580, PyTorch 2.11,
   * {@code datasets/launch/launch_probe.py}, {@code h200-launch-probe.json}). Not measured on an
   * H100 or A100; used for every GPU.
   */
  public static final double GRAPH_KERNEL_GAP_US = 0.256;

  /**
   * Cost of one more subgraph launch when a graph is split (an atom beyond the first of a
   * graph-launched kernel, or a kernel whose TPC mask differs from the previous one of the same
   * request: the mask is fixed per graph launch). The paper gives 7-14 µs for re-instantiating a
   * subgraph (PAPER.md, [peer] quoting the paper); the midpoint is used. Not measured here.
   */
  public static final double SUBGRAPH_US = 10.5;

  /**
   * Host time per kernel of an eager tenant without a measured value (inline kernels): PyTorch
   * 2.11's host time per {@code add_} on a one-element tensor in a loop without synchronisation
   * (the eager dispatch floor), 9.76 µs on the H200 host ({@code h200-launch-probe.json}). Model
   * traces carry their own, larger value (their framework's per-kernel cost).
   */
  public static final double DEFAULT_EAGER_HOST_US = 9.76;

  /**
   * Kernels the host may run ahead of the GPU: CUDA's per-stream launch queue, which blocks the
   * launching thread once about 1024 launches are pending (the figure commonly observed; the
   * CUDA documentation gives no number). Binds only for requests of more kernels than this.
   */
  public static final int LAUNCH_QUEUE_DEPTH = 1024;

  public static final Launch GRAPH = new Launch(Mode.GRAPH, 0);

  public Launch {
    if (mode == null) throw new IllegalArgumentException("launch mode missing");
    if (!(hostLaunchUs >= 0) || !Double.isFinite(hostLaunchUs)) {
      throw new IllegalArgumentException("hostLaunchUs must be >= 0, was " + hostLaunchUs);
    }
    if (mode == Mode.GRAPH && hostLaunchUs != 0) {
      throw new IllegalArgumentException("hostLaunchUs applies to eager launch only, was " + hostLaunchUs + " for graph");
    }
  }

  public static Launch eager(double hostLaunchUs) { return new Launch(Mode.EAGER, hostLaunchUs); }

  /** The default: graph for inference (served by engines), eager for training. */
  public static Launch defaultFor(Workload w) {
    return w instanceof Workload.Inference ? GRAPH : eager(DEFAULT_EAGER_HOST_US);
  }

  public boolean isEager() { return mode == Mode.EAGER; }

  /**
   * One request (iteration) alone, from its start until its last kernel completes, µs, with
   * {@code kernelUs} the GPU time of each kernel from its first block to the completion the
   * tenant sees, and {@code launchOverheadUs} the GPU's launch latency (launch to first block).
   * The same recurrence the runner applies event by event.
   */
  public double soloRequestUs(double[] kernelUs, double launchOverheadUs) {
    int n = kernelUs.length;
    if (mode == Mode.GRAPH) {
      double t = launchOverheadUs;
      for (double d : kernelUs) t += d;
      return t + Math.max(0, n - 1) * GRAPH_KERNEL_GAP_US;
    }
    double[] complete = new double[n];
    double issue = 0;
    double prev = 0;
    for (int k = 0; k < n; k++) {
      issue += hostLaunchUs;
      if (k >= LAUNCH_QUEUE_DEPTH) issue = Math.max(issue, complete[k - LAUNCH_QUEUE_DEPTH]);
      double ready = Math.max(issue, prev);
      prev = ready + eagerFirstAtomWaitUs(issue, ready, launchOverheadUs) + kernelUs[k];
      complete[k] = prev;
    }
    return prev;
  }

  /** An eager kernel's first atom: a stream gap after its predecessor if queued early, else a launch latency after issue. */
  public static double eagerFirstAtomWaitUs(double issueUs, double nowUs, double launchOverheadUs) {
    return Math.max(QUEUED_STREAM_GAP_US, issueUs + launchOverheadUs - nowUs);
  }

  /**
   * The eager host cost per kernel that makes {@link #soloRequestUs} of kernels of measured
   * durations {@code kernelUs} equal a measured wall time per request {@code wallUs} (e.g. a
   * trace's {@code iteration_ms_events}); 0 when the kernels alone take at least that long.
   * Bisection: the solo time grows monotonically with the host cost.
   */
  public static double fitHostLaunchUs(double[] kernelUs, double wallUs, double launchOverheadUs) {
    if (eager(0).soloRequestUs(kernelUs, launchOverheadUs) >= wallUs) return 0;
    double lo = 0;
    double hi = wallUs / Math.max(1, kernelUs.length) + 1;
    while (eager(hi).soloRequestUs(kernelUs, launchOverheadUs) < wallUs) hi *= 2;
    for (int i = 0; i < 60; i++) {
      double m = (lo + hi) / 2;
      if (eager(m).soloRequestUs(kernelUs, launchOverheadUs) < wallUs) lo = m;
      else hi = m;
    }
    return (lo + hi) / 2;
  }

  @Override
  public String toString() {
    return isEager() ? String.format(Locale.ROOT, "eager (%.2f us/kernel host)", hostLaunchUs) : "graph";
  }
}
