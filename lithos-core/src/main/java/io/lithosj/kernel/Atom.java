package io.lithosj.kernel;

import io.lithosj.gpu.TpcSet;

/**
 * A contiguous range of a launch's blocks {@code [blockLo, blockHi)} sent to the GPU as one
 * launch, allowed to run only on {@code tpcs}. The kernel atomizer cuts launches into atoms so
 * that no launch holds its TPCs for long; a policy without atomization sends one atom per launch.
 *
 * @param priority  hardware stream priority, higher first (CUDA's numerically lower is higher)
 */
public record Atom(long id, KernelLaunch launch, int blockLo, int blockHi, TpcSet tpcs, int priority) {
  public Atom {
    if (blockLo < 0 || blockHi > launch.blocks() || blockLo >= blockHi) {
      throw new IllegalArgumentException("atom blocks [" + blockLo + ", " + blockHi + ") outside kernel '"
          + launch.kernel().name() + "' of " + launch.blocks() + " blocks");
    }
    if (tpcs.isEmpty()) throw new IllegalArgumentException("atom of '" + launch.kernel().name() + "' has no TPCs");
  }

  public int blocks() { return blockHi - blockLo; }
  public int tenant() { return launch.tenant(); }
  public Kernel kernel() { return launch.kernel(); }
}
