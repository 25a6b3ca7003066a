package io.lithosj.os.baseline;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;

/**
 * The offline profile that Orion and REEF keep per kernel, derived from the kernel's
 * {@link io.lithosj.kernel.WorkProfile} instead of Nsight / rocprof runs.
 *
 * @param bound        roofline class: Orion's {@code profile} column (1 compute, 0 memory)
 * @param blocksPerSm  occupancy: resident blocks per SM
 * @param smNeeded     SMs that hold the whole grid at once, {@code ceil(blocks / blocksPerSm)}
 *                     (Orion's profiling/postprocessing/get_num_blocks.py); may exceed the GPU's SMs
 * @param soloUs       latency alone on the whole GPU (Orion's {@code Duration}, REEF's profile)
 */
public record KernelProfile(Bound bound, int blocksPerSm, int smNeeded, double soloUs) {

  public enum Bound { COMPUTE, MEMORY }

  /**
   * Classify like Orion's roofline_analysis.py: a kernel is memory-bound when its arithmetic
   * intensity is below the ridge point. In the model that is when its resident blocks, running
   * at full speed over the whole GPU, would ask for at least {@code ridge} times the DRAM
   * bandwidth (ridge 1 = the roofline's knee). Independent of grid size, as intensity is.
   */
  public static KernelProfile of(Kernel k, GpuSpec gpu, double ridge) {
    int perSm = k.blocksPerSm(gpu);
    double fullGpuDemandGBps = k.work().blockDemandGBps() * k.waveSize(gpu, gpu.tpcCount());
    Bound bound = fullGpuDemandGBps >= ridge * gpu.memBandwidthGBps() ? Bound.MEMORY : Bound.COMPUTE;
    int sms = (k.blocks() + perSm - 1) / perSm;
    return new KernelProfile(bound, perSm, sms, k.idealLatencyUs(gpu, gpu.tpcCount()));
  }
}
