package io.lithosj.backend.cuda;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;

/**
 * Trace replay: turns a modeled {@link Kernel} into a library launch that behaves like it on the
 * real GPU. Its blocks become logical blocks one for one (so atoms' block ranges carry over);
 * the kernel's residency per SM is kept (so the wave structure and its m/n + b scaling match);
 * each logical block gets the FMA iterations that take {@code blockComputeUs} at full occupancy
 * and copies {@code blockDramBytes}. Threads per block are chosen so every SM holds
 * {@code threadsPerSm} threads, the occupancy the costs were calibrated at.
 */
public final class ReplayMapper {
  private final GpuSpec gpu;
  private final ReplayCosts costs;

  public ReplayMapper(GpuSpec gpu, ReplayCosts costs) {
    this.gpu = gpu;
    this.costs = costs;
  }

  public ReplayCosts costs() { return costs; }

  public LibraryLaunch map(Kernel k) {
    int blocksPerSm = Math.min(32, k.blocksPerSm(gpu));
    int threads = threadsFor(blocksPerSm, costs.threadsPerSm());
    WorkProfile w = k.work();
    int elems = (int) Math.min(Integer.MAX_VALUE / 2, Math.round(w.blockDramBytes() / LibraryLaunch.BYTES_PER_ELEM));
    int iters = costs.itersFor(w.blockComputeUs());
    if (elems == 0) return LibraryLaunch.fma(threads, blocksPerSm, iters);
    if (iters == 0) return LibraryLaunch.stream(threads, blocksPerSm, elems);
    return LibraryLaunch.mixed(threads, blocksPerSm, iters, elems);
  }

  /** Threads per block so that {@code blocksPerSm} blocks fill {@code threadsPerSm}: a multiple of 32 in 32..1024. */
  static int threadsFor(int blocksPerSm, int threadsPerSm) {
    int t = threadsPerSm / blocksPerSm / 32 * 32;
    return Math.max(32, Math.min(1024, t));
  }
}
