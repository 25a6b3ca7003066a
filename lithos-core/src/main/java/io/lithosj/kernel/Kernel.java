package io.lithosj.kernel;

import io.lithosj.gpu.GpuSpec;

/**
 * A kernel as launched: its grid (flattened to a block count), per-block resources, and what a
 * block costs. Immutable; the same {@code Kernel} is launched many times (once per request or
 * iteration), each launch a {@link KernelLaunch}.
 *
 * @param name  the identity the latency predictor keys on together with the grid
 */
public record Kernel(String name, int blocks, int threadsPerBlock, int regsPerThread,
                     int smemPerBlockBytes, WorkProfile work) {
  public Kernel {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("kernel name is empty");
    if (blocks <= 0) throw new IllegalArgumentException("kernel '" + name + "': blocks must be > 0, was " + blocks);
    if (threadsPerBlock <= 0 || threadsPerBlock > 1024) {
      throw new IllegalArgumentException("kernel '" + name + "': threadsPerBlock must be 1..1024, was " + threadsPerBlock);
    }
    if (regsPerThread < 0 || regsPerThread > 255) {
      throw new IllegalArgumentException("kernel '" + name + "': regsPerThread must be 0..255, was " + regsPerThread);
    }
    if (smemPerBlockBytes < 0) throw new IllegalArgumentException("kernel '" + name + "': smemPerBlockBytes < 0");
  }

  /** Blocks of this kernel that fit on one SM at once (the occupancy calculation). */
  public int blocksPerSm(GpuSpec gpu) {
    GpuSpec.SmLimits l = gpu.smLimits();
    int byThreads = l.maxThreads() / roundUp(threadsPerBlock, 32);
    int regsPerBlock = Math.max(1, regsPerThread) * roundUp(threadsPerBlock, 32);
    int byRegs = regsPerThread == 0 ? Integer.MAX_VALUE : l.registers() / regsPerBlock;
    int bySmem = smemPerBlockBytes == 0 ? Integer.MAX_VALUE : l.sharedMemBytes() / smemPerBlockBytes;
    // A block bigger than this GPU's SM (a trace from a GPU with more shared memory) counts as
    // one per SM: the library would be built with smaller tiles for this GPU.
    return Math.max(1, Math.min(Math.min(byThreads, l.maxBlocks()), Math.min(byRegs, bySmem)));
  }

  /**
   * Why {@code gpu} would refuse to launch this kernel (a block needing more registers or shared
   * memory than one SM can give it), or null if it can launch. CUDA allocates registers per warp,
   * so threads count in whole warps.
   */
  public String launchRefusedBy(GpuSpec gpu) {
    GpuSpec.SmLimits l = gpu.smLimits();
    int threads = roundUp(threadsPerBlock, 32);
    long regs = (long) threads * regsPerThread;
    if (regs > l.registers()) {
      return threads + " threads x " + regsPerThread + " registers = " + regs + " registers per block, the "
          + gpu.id() + " allows " + l.registers();
    }
    if (smemPerBlockBytes > l.sharedMemPerBlockBytes()) {
      return smemPerBlockBytes + " bytes of shared memory per block, the " + gpu.id() + " allows "
          + l.sharedMemPerBlockBytes();
    }
    return null;
  }

  /** Blocks that run at once on {@code tpcs} TPCs: one full wave. */
  public int waveSize(GpuSpec gpu, int tpcs) {
    return blocksPerSm(gpu) * gpu.smsPerTpc() * tpcs;
  }

  /**
   * Ideal latency on {@code tpcs} TPCs at the maximum clock, alone on the GPU: whole waves of
   * compute, or the kernel's DRAM traffic at the bandwidth ceiling, whichever is longer. The
   * modeled GPU reproduces this when a kernel runs alone; policies use it as a prior.
   */
  public double idealLatencyUs(GpuSpec gpu, int tpcs) {
    int wave = waveSize(gpu, tpcs);
    double waves = Math.ceil((double) blocks / wave);
    double blockUs = work.blockComputeUs() * gpu.computeScale();
    double demandGBps = work.blockDramBytes() / (blockUs * 1000.0);
    return waves * blockUs * Math.max(1.0, demandGBps / drawableGBps(gpu, tpcs * gpu.smsPerTpc(), Math.min(blocks, wave)));
  }

  /**
   * The DRAM bandwidth per block when {@code resident} blocks run at once on {@code sms} SMs, each
   * asking for as much as it can get: blocks are spread evenly, so the busiest SMs hold
   * ceil(resident / sms) of them and share their SM's {@code smBandwidthGBps}; all blocks together
   * share {@code memBandwidthGBps}. This is the modeled GPU's max-min fair share for a kernel alone
   * ({@code SimGpuTest} checks that such a kernel takes exactly its ideal latency).
   */
  public static double drawableGBps(GpuSpec gpu, int sms, int resident) {
    double perSm = gpu.smBandwidthGBps() / Math.ceil((double) resident / sms);
    return Math.min(perSm, gpu.memBandwidthGBps() / resident);
  }

  public Kernel withBlocks(int newBlocks) {
    return new Kernel(name, newBlocks, threadsPerBlock, regsPerThread, smemPerBlockBytes, work);
  }

  private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }
}
