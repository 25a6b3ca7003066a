package io.lithosj.backend.cuda;

import io.lithosj.gpu.GpuSpec;

/**
 * Per-unit costs of the library kernels on one GPU, measured by {@code lithos calibrate}:
 * what trace replay needs to turn a modeled block's time into FMA iterations.
 *
 * <p>A logical block of {@code fma_atom} with {@code I} iterations, run by an SM holding
 * {@code threadsPerSm} threads of the kernel, takes {@code blockOverheadUs + I * threadsPerSm *
 * fmaNsPerThreadIter / 1000} µs: the SM's FMA pipes are shared by all resident threads.
 *
 * @param fmaNsPerThreadIter  SM time per thread-iteration (8 FMAs) at full occupancy, ns
 * @param blockOverheadUs     fixed cost of one logical block (claim, barrier), µs
 * @param threadsPerSm        threads resident per SM the costs were measured (and are replayed) with
 */
public record ReplayCosts(double fmaNsPerThreadIter, double blockOverheadUs, int threadsPerSm) {
  public ReplayCosts {
    if (!(fmaNsPerThreadIter > 0)) throw new IllegalArgumentException("fmaNsPerThreadIter must be > 0, was " + fmaNsPerThreadIter);
    if (!(blockOverheadUs >= 0)) throw new IllegalArgumentException("blockOverheadUs must be >= 0, was " + blockOverheadUs);
    if (threadsPerSm < 32) throw new IllegalArgumentException("threadsPerSm must be >= 32, was " + threadsPerSm);
  }

  /**
   * Uncalibrated estimate from the datasheet: 128 FP32 lanes per SM issue 16 thread-iterations
   * of 8 FMAs per cycle at the maximum SM clock; 1 µs per logical block.
   */
  public static ReplayCosts nominal(GpuSpec gpu) {
    return new ReplayCosts(1000.0 / (16.0 * gpu.clocks().maxMhz()), 1.0, gpu.smLimits().maxThreads());
  }

  /** Predicted time of one logical block of {@code fma_atom}/{@code mixed_atom} compute, µs. */
  public double blockUs(int iters) {
    return blockOverheadUs + iters * threadsPerSm * fmaNsPerThreadIter / 1000.0;
  }

  /** Iterations that make a logical block take {@code blockUs}. */
  public int itersFor(double blockUs) {
    double it = (blockUs - blockOverheadUs) * 1000.0 / (threadsPerSm * fmaNsPerThreadIter);
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, Math.round(it)));
  }
}
