package io.lithosj.os.lithos;

import io.lithosj.os.Param;
/**
 * Parameters of the {@code lithos} policy; public fields carry the defaults and a scenario's
 * {@code policy.params} overrides them by name. The four booleans are the paper's ablations.
 */
public final class LithosParams {
  /** Idle TPCs of one tenant run other tenants' atoms (returned at the next atom boundary). */
  @Param(unit = "on/off", value = "Idle TPCs of one tenant run other tenants' atoms, returned at the next atom boundary.")
  public boolean stealing = true;

  /** Split kernels into atoms of about {@link #atomTargetMs}; off = one atom per launch. */
  @Param(unit = "on/off", value = "Split kernels into atoms of about atomTargetMs; off = one atom per launch.")
  public boolean atomization = true;

  /** Give each kernel the fewest TPCs within {@link #rightSizeSlip} of its full-GPU latency. */
  @Param(unit = "on/off", value = "Give each kernel the fewest TPCs within rightSizeSlip of its full-GPU latency.")
  public boolean rightSizing = false;

  /** Lower the SM clock while in-flight work is clock-insensitive, within {@link #powerSlip}. */
  @Param(unit = "on/off", value = "Lower the SM clock while in-flight work is clock-insensitive, within powerSlip.")
  public boolean powerManagement = false;

  /**
   * Target atom length including launch overhead. The paper sizes atoms from predicted kernel
   * durations to a target of a few hundred µs (long enough to amortize a launch, short enough to
   * bound head-of-line blocking); 0.25 ms is our reading of that default, exposed to sweep.
   */
  @Param(unit = "ms", value = "Target atom length including launch overhead (the paper: a few hundred us).")
  public double atomTargetMs = 0.25;

  /**
   * Cap on launch overhead as a share of an atom: atoms run at least
   * {@code launchOverheadUs * (100 / maxAtomOverheadPct - 1)}, whatever {@link #atomTargetMs} says.
   */
  @Param(unit = Param.PERCENT, value = "Cap on launch overhead as a share of an atom, in percent (5 = 5%).")
  public double maxAtomOverheadPct = 5.0;

  /** Right-sizing slip k: latency(n) &le; (1+k) · latency(all TPCs). Paper: &lt;4% slowdown. */
  @Param(unit = Param.FRACTION, value = "Right-sizing slip k: latency(n) <= (1 + k) x latency(all TPCs).")
  public double rightSizeSlip = 0.04;

  /**
   * How the right-sizer picks a TPC count: {@code fit} = the paper's line {@code m/n + b} through
   * the predicted latencies on 1 TPC and on all TPCs (raised to a wave boundary when needed);
   * {@code search} = the fewest TPCs the predictor itself says meet the slip (finds the knee of
   * DRAM-saturating and small-grid kernels that the line misses).
   */
  @Param(unit = "name", value = "How the right-sizer picks a TPC count: fit (the paper's m/n + b line) or search (the predictor's own curve).")
  public String rightSizeModel = "fit";

  /** Power-management slip k: Σ w·s·(fmax/f − 1) &le; k. Paper operating point: 7%. */
  @Param(unit = Param.FRACTION, value = "Power-management slip k: the weighted slowdown the clock may add.")
  public double powerSlip = 0.07;

  /**
   * Cold start of the latency predictor for a kernel never seen: {@code prior} uses the
   * analytical roofline {@code Kernel.idealLatencyUs} (then learns a correction per TPC count);
   * {@code measure} runs the first launch unatomized on every TPC it can get and learns from it.
   */
  @Param(unit = "name", value = "Latency of a kernel never seen: prior (roofline estimate) or measure (run it once unatomized).")
  public String coldStart = "prior";

  /** Weight of the newest observation in the predictor's and sensitivity estimator's EWMAs. */
  @Param(unit = Param.FRACTION, value = "Weight of the newest observation in the predictor's and sensitivity estimator's EWMAs.")
  public double learningRate = 0.3;

  /**
   * Stream-ordered tenants submit their next kernel only when the previous one is done, so the
   * queue the paper's LithOS sees in the CUDA stream is invisible here. When a tenant's launch
   * completes and its request/iteration has more kernels, its own TPCs are kept from lenders for
   * up to this long (the next submit cancels the hold). 0 = lend at once.
   */
  @Param(unit = "us", value = "A tenant's TPCs are kept from lenders this long after its launch completes, awaiting its next kernel; 0 = lend at once.")
  public double nextKernelHoldUs = 20.0;

  /** Stream priority of HP tenants' atoms (BE atoms get 0); higher is more urgent. */
  @Param(unit = "priority", value = "Stream priority of HP tenants' atoms (BE atoms get 0; higher is more urgent).")
  public int hpAtomPriority = 1;

  /** Throws with the offending field named. */
  public void validate() {
    if (!(atomTargetMs > 0) || !Double.isFinite(atomTargetMs)) {
      throw new IllegalArgumentException("atomTargetMs must be > 0, was " + atomTargetMs);
    }
    if (!(maxAtomOverheadPct > 0 && maxAtomOverheadPct < 100)) {
      throw new IllegalArgumentException("maxAtomOverheadPct must be in (0, 100), was " + maxAtomOverheadPct);
    }
    if (!(rightSizeSlip >= 0) || !Double.isFinite(rightSizeSlip)) {
      throw new IllegalArgumentException("rightSizeSlip must be >= 0, was " + rightSizeSlip);
    }
    if (!(powerSlip >= 0) || !Double.isFinite(powerSlip)) {
      throw new IllegalArgumentException("powerSlip must be >= 0, was " + powerSlip);
    }
    if (!"fit".equals(rightSizeModel) && !"search".equals(rightSizeModel)) {
      throw new IllegalArgumentException("rightSizeModel must be 'fit' or 'search', was '" + rightSizeModel + "'");
    }
    if (!"prior".equals(coldStart) && !"measure".equals(coldStart)) {
      throw new IllegalArgumentException("coldStart must be 'prior' or 'measure', was '" + coldStart + "'");
    }
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException("learningRate must be in (0, 1], was " + learningRate);
    }
    if (!(nextKernelHoldUs >= 0) || !Double.isFinite(nextKernelHoldUs)) {
      throw new IllegalArgumentException("nextKernelHoldUs must be >= 0, was " + nextKernelHoldUs);
    }
  }
}
