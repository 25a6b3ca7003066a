package io.lithosj.experiment;

import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.workload.Launch;

/**
 * Hands one tenant's kernels to the policy the way its framework launches them ({@link Launch}),
 * identically for every policy and both backends: when each kernel of a request reaches the
 * policy, and how long each of its atoms waits on the GPU before its first block may start.
 *
 * <p>Stream order is kept: kernel k reaches the policy once kernel k-1 completed (and, eager, once
 * the host issued it), so a policy sees at most one kernel of a tenant at a time, as before.
 *
 * <p>Atom waits (the modeled GPU's launch overhead, replaced per mode):
 * <ul>
 *   <li>eager, a kernel's first atom: {@link Launch#eagerFirstAtomWaitUs}; later atoms (an
 *       atomizer's, a relaunch after a reset) are launches of their own: the GPU's overhead;</li>
 *   <li>graph: the request's first kernel pays one graph launch (the GPU's launch overhead), every
 *       later kernel {@link Launch#GRAPH_KERNEL_GAP_US}; an atom beyond the first of a kernel, or a
 *       kernel whose TPC mask differs from the previous atom's of the request (a graph's mask is
 *       fixed per launch), needs the graph split and pays {@link Launch#SUBGRAPH_US};</li>
 *   <li>when every atom is a launch of its own (the CUDA backend, or the modeled GPU with its
 *       dispatch), every atom pays the GPU's overhead; the eager host gaps still apply.</li>
 * </ul>
 */
final class KernelIssuer {
  private final Launch launch;
  private final boolean ownLaunches;
  private final double launchOverheadUs;
  private final double[] completeMs = new double[Launch.LAUNCH_QUEUE_DEPTH]; // ring: kernel k at k % depth

  private double requestStartMs;
  private double issueMs; // host issue time of the current kernel
  private int kernel = -1;
  private long launchId = -1;
  private int atomsOfLaunch;
  private TpcSet lastMask;

  /**
   * Whether a graph-launched kernel whose TPC mask differs from the previous kernel's pays a
   * subgraph re-instantiation ({@link Launch#SUBGRAPH_US}): a graph instance keeps the mask of its
   * first launch ([peer] in PAPER.md). Off by default: an implementation that keeps one instantiated
   * subgraph per mask it has used pays it only once per mask, and the paper does not say which
   * LithOS does. On ({@code -Dlithos.graphReinstantiateOnMaskChange=true}), every mask change under
   * TPC stealing costs it: measured on the modeled A100 (ResNet-50 b1 at 228/s beside VGG-19
   * training, LithOS), HP p99 81 ms and unstable instead of 11 ms, because its ~8 us kernels each
   * pay 10.5 us.
   */
  static final boolean REINSTANTIATE_ON_MASK_CHANGE = Boolean.getBoolean("lithos.graphReinstantiateOnMaskChange");

  /**
   * @param ownLaunches       every atom is a separate launch with the GPU's own overhead
   * @param launchOverheadUs  the GPU's launch latency (launch to first block)
   */
  KernelIssuer(Launch launch, boolean ownLaunches, double launchOverheadUs) {
    this.launch = launch;
    this.ownLaunches = ownLaunches;
    this.launchOverheadUs = launchOverheadUs;
  }

  /** A request (iteration) starts being issued now: its host thread begins with kernel 0. */
  void startRequest(double nowMs) {
    requestStartMs = nowMs;
    kernel = -1;
    lastMask = null;
  }

  /**
   * When kernel {@code k} of the current request reaches the policy, given that kernel k-1 (if
   * any) completed at or before {@code nowMs}: {@code max(issue(k), now)}.
   */
  double readyMs(int k, double nowMs) {
    if (k != kernel + 1) throw new IllegalStateException("kernel " + k + " issued after kernel " + kernel);
    kernel = k;
    if (launch.isEager()) {
      issueMs = (k == 0 ? requestStartMs : issueMs) + launch.hostLaunchUs() / 1000.0;
      if (k >= completeMs.length) issueMs = Math.max(issueMs, completeMs[k % completeMs.length]); // queue full
    } else {
      issueMs = requestStartMs; // the whole graph is queued at once
    }
    return Math.max(issueMs, nowMs);
  }

  /** The launch of the current kernel went to the policy. */
  void submitted(long id) {
    launchId = id;
    atomsOfLaunch = 0;
  }

  /** Kernel {@code k} of the current request completed (the tenant saw it) at {@code nowMs}. */
  void completed(int k, double nowMs) { completeMs[k % completeMs.length] = nowMs; }

  /** How long {@code atom}, launched now, waits before its first block may start, µs. */
  double atomWaitUs(Atom atom, double nowMs) {
    if (ownLaunches || atom.launch().id() != launchId) return launchOverheadUs;
    boolean first = atomsOfLaunch++ == 0;
    TpcSet previous = lastMask;
    lastMask = atom.tpcs();
    if (launch.isEager()) return first ? Launch.eagerFirstAtomWaitUs(issueMs * 1000.0, nowMs * 1000.0, launchOverheadUs) : launchOverheadUs;
    if (!first) return Launch.SUBGRAPH_US;
    if (kernel == 0) return launchOverheadUs; // the graph launch
    if (REINSTANTIATE_ON_MASK_CHANGE && previous != null && !previous.equals(atom.tpcs())) return Launch.SUBGRAPH_US;
    return Launch.GRAPH_KERNEL_GAP_US;
  }
}
