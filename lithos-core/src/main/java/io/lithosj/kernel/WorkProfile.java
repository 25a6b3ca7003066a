package io.lithosj.kernel;

/**
 * What one thread block of a kernel costs on the modeled GPU.
 *
 * @param blockComputeUs    time one block takes on an SM at the maximum SM clock, with its SM
 *                          holding as many of this kernel's blocks as fit, and DRAM not the limit
 * @param blockDramBytes    DRAM bytes one block reads plus writes
 * @param clockSensitivity  s in lat(f)/lat(fmax) - 1 = s·(fmax/f - 1): 1 for purely core-bound
 *                          work, near 0 for memory-bound work (the paper's power-manager model)
 */
public record WorkProfile(double blockComputeUs, double blockDramBytes, double clockSensitivity) {
  public WorkProfile {
    if (!(blockComputeUs > 0) || !Double.isFinite(blockComputeUs)) {
      throw new IllegalArgumentException("blockComputeUs must be > 0, was " + blockComputeUs);
    }
    if (!(blockDramBytes >= 0) || !Double.isFinite(blockDramBytes)) {
      throw new IllegalArgumentException("blockDramBytes must be >= 0, was " + blockDramBytes);
    }
    if (!(clockSensitivity >= 0 && clockSensitivity <= 1)) {
      throw new IllegalArgumentException("clockSensitivity must be in [0, 1], was " + clockSensitivity);
    }
  }

  /** DRAM bandwidth one resident block asks for when it runs at full speed, in GB/s (= bytes/ns). */
  public double blockDemandGBps() { return blockDramBytes / (blockComputeUs * 1000.0); }

  /** Block time at clock ratio {@code f/fmax}, before DRAM contention. */
  public double blockUsAtClock(double clockRatio) {
    return blockComputeUs * (1.0 + clockSensitivity * (1.0 / clockRatio - 1.0));
  }
}
