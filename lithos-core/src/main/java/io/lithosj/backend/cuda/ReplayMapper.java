package io.lithosj.backend.cuda;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;

/**
 * Trace replay: turns a modeled {@link Kernel} into a library launch that behaves like it on the
 * real GPU. Its blocks become logical blocks one for one (so atoms' block ranges carry over);
 * the kernel's residency per SM is kept (so the wave structure and its m/n + b scaling match);
 * threads per block are chosen so every SM holds the calibrated threads per SM.
 *
 * <ul>
 *   <li>No DRAM traffic: {@code fma_atom} with the iterations that take {@code blockComputeUs}
 *       (times the GPU's {@code computeScale}).
 *   <li>DRAM traffic: each logical block copies {@code blockDramBytes} and gets the FMA
 *       iterations that, overlapped with its copy (as measured without DRAM contention), take
 *       {@code blockComputeUs} (the model's time without DRAM contention); contention then comes
 *       from the real traffic, as in the model. If the copy alone takes that long, it is
 *       {@code stream_atom} with no FMA work.
 * </ul>
 *
 * <p>{@link #map(Kernel)} sizes a block for full residency, where the calibrated costs were measured.
 * An atom is launched with {@link #mapAtom}: the modeled block time does not depend on how many
 * blocks share the SM, but a real FMA block runs faster with fewer neighbours (a sub-wave atom, a
 * last partial wave), dynamically claimed blocks leave a tail, and the SM-gated launch has a fixed
 * cost. With {@code lithos.replaySizing=alone} the measured fill curve ({@link ReplayCosts#atomBlockUs})
 * sets an FMA atom's iterations so that, alone on its mask, it takes its modeled time.
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
    if (elems == 0) {
      int iters = costs.itersFor(w.blockComputeUs() * gpu.computeScale(), blocksPerSm * threads, threads);
      return LibraryLaunch.fma(threads, blocksPerSm, iters);
    }
    int all = gpu.tpcCount();
    double residentPerSm = Math.min(k.blocks(), k.waveSize(gpu, all)) / (double) (all * gpu.smsPerTpc());
    double elemsPerSm = residentPerSm * elems;
    double copyUs = costs.mixedAt(elemsPerSm).memoryUs(); // measured without DRAM contention
    int iters = costs.mixedItersFor(w.blockComputeUs() * gpu.computeScale(), copyUs, elemsPerSm, threads);
    return iters == 0 ? LibraryLaunch.stream(threads, blocksPerSm, elems) : LibraryLaunch.mixed(threads, blocksPerSm, iters, elems);
  }

  /**
   * The launch that replays an atom of {@code blocks} blocks on {@code tpcs} TPCs, given the launch
   * {@code full} that {@link #map(Kernel)} made for its kernel, so that alone on its mask it takes
   * the modeled {@code atomUs} (launch overhead and whole waves, {@link #modeledAtomUs}): its FMA
   * iterations are set through the fill curve ({@link ReplayCosts#atomBlockUs}). Only {@code fma_atom}
   * blocks are resized: the curve is measured on them, and scaling a mixed block's arithmetic by it
   * overshot by 20-80% below two waves (calibration/h100-sxm/replay_atoms.csv, a first version
   * did). Mixed, streaming, and everything without fill data stay as {@code full}.
   */
  public LibraryLaunch mapAtom(LibraryLaunch full, int blocks, int tpcs, double atomUs) {
    if (full.kernel() != LibKernel.FMA || costs.fill().isEmpty()) return full;
    int t = full.threadsPerBlock(), threadsOnSm = full.blocksPerSm() * t;
    double waves = ReplayCosts.effectiveWaves(blocks, tpcs * gpu.smsPerTpc(), full.blocksPerSm());
    int iters = Math.max(1, costs.itersFor(costs.atomBlockUs(t, waves, atomUs), threadsOnSm, t));
    return iters == full.iters() ? full : LibraryLaunch.fma(t, full.blocksPerSm(), iters);
  }

  /** What the modeled GPU gives an atom of {@code blocks} blocks of {@code k} alone on {@code tpcs} TPCs: launch overhead, then whole waves. */
  public double modeledAtomUs(Kernel k, int blocks, int tpcs) {
    return gpu.launchOverheadUs() + k.withBlocks(blocks).idealLatencyUs(gpu, tpcs);
  }

  /** What one wave of {@code k} takes on the whole modeled GPU: its block time with DRAM contention. */
  double modeledWaveUsOnAllTpcs(Kernel k) {
    int all = gpu.tpcCount();
    double waves = Math.ceil((double) k.blocks() / k.waveSize(gpu, all));
    return k.idealLatencyUs(gpu, all) / waves;
  }

  /** Threads per block so that {@code blocksPerSm} blocks fill {@code threadsPerSm}: a multiple of 32 in 32..1024. */
  static int threadsFor(int blocksPerSm, int threadsPerSm) {
    int t = threadsPerSm / blocksPerSm / 32 * 32;
    return Math.max(32, Math.min(1024, t));
  }
}
