package io.lithosj.os.lithos;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import java.util.function.IntToDoubleFunction;

/**
 * Cuts a launch's grid into atoms: contiguous block ranges, each predicted to run about the
 * target length on the TPCs it gets. Atoms are whole waves on their TPC set (a partial wave
 * would leave SMs idle while holding the TPCs), except the launch's last atom.
 *
 * <p>Each atom pays the backend's launch overhead while holding its TPCs, so the run time an
 * atom is sized for is the target minus that overhead, but never so short that the overhead
 * exceeds {@code maxOverheadPct} of the atom. The remaining waves are split into the fewest
 * near-equal atoms that each fit the target, so atoms stay at or under it where the block length
 * allows: a block cannot be split, so a wave longer than the target makes a one-wave atom.
 */
public final class KernelAtomizer {
  private final GpuSpec gpu;
  private final double runTargetUs;
  private final double minRunUs;

  public KernelAtomizer(GpuSpec gpu, double atomTargetMs, double maxOverheadPct) {
    this.gpu = gpu;
    double overheadUs = gpu.launchOverheadUs();
    this.minRunUs = overheadUs * (100.0 / maxOverheadPct - 1.0);
    this.runTargetUs = Math.max(atomTargetMs * 1000.0 - overheadUs, minRunUs);
  }

  /** Run time (launch overhead excluded) an atom is sized for. */
  public double runTargetUs() { return runTargetUs; }

  /** Shortest run an atom may have so that launch overhead stays within its cap. */
  public double minRunUs() { return minRunUs; }

  /**
   * Blocks of the next atom of {@code kernel}, which has {@code remaining} blocks left, on
   * {@code tpcs} TPCs. {@code predictUs} maps a block count to its predicted run time on those
   * TPCs; NaN (kernel never seen, no prior) runs everything left as one atom, which then serves
   * as the predictor's first measurement.
   */
  public int nextAtomBlocks(Kernel kernel, int remaining, int tpcs, IntToDoubleFunction predictUs) {
    return split(kernel, remaining, tpcs, predictUs, runTargetUs, false);
  }

  /**
   * Like {@link #nextAtomBlocks}, for TPCs lent until a deadline: the atom must be predicted to
   * run at most {@code budgetUs}; 0 when not even one wave fits, the budget is below
   * {@link #minRunUs}, or the kernel is unknown.
   */
  public int nextAtomBlocksWithin(Kernel kernel, int remaining, int tpcs, IntToDoubleFunction predictUs, double budgetUs) {
    if (!(budgetUs >= minRunUs)) return 0;
    return split(kernel, remaining, tpcs, predictUs, Math.min(runTargetUs, budgetUs), true);
  }

  private int split(Kernel kernel, int remaining, int tpcs, IntToDoubleFunction predictUs, double runUs, boolean strict) {
    if (remaining <= 0) throw new IllegalArgumentException("kernel '" + kernel.name() + "': no blocks left to atomize");
    if (tpcs <= 0) throw new IllegalArgumentException("kernel '" + kernel.name() + "': atom needs >= 1 TPC, got " + tpcs);
    double totalUs = predictUs.applyAsDouble(remaining);
    if (Double.isNaN(totalUs)) return strict ? 0 : remaining;
    if (totalUs <= runUs) return remaining;
    int wave = kernel.waveSize(gpu, tpcs);
    int waves = (remaining + wave - 1) / wave;
    double waveUs = waves == 1 ? totalUs : predictUs.applyAsDouble(wave); // a full wave (a partial one can be faster)
    if (strict && waveUs > runUs) return 0;
    int maxWaves = (int) Math.max(1, Math.floor(runUs / waveUs)); // most waves that fit
    int atoms = (waves + maxWaves - 1) / maxWaves;
    int wavesPerAtom = (waves + atoms - 1) / atoms; // balanced, still <= maxWaves
    long blocks = (long) wavesPerAtom * wave;
    return (int) Math.min(remaining, blocks);
  }
}
