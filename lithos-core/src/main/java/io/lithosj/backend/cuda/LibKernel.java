package io.lithosj.backend.cuda;

/** The kernels of the CUDA library (lithos-core/src/main/cuda/lithos_kernels.cu). */
public enum LibKernel {
  /** FMA-bound: {@code iters} iterations of 8 independent FMAs per thread and logical block. */
  FMA("fma_atom", true),
  /** Memory-bound: each logical block copies {@code elems} float4 (32 DRAM bytes each). */
  STREAM("stream_atom", true),
  /** Both, with the FMAs spread between each load and its store. */
  MIXED("mixed_atom", true),
  /** Verification: per-block hit counter, SM id and physical block id. */
  SMOKE("smoke_atom", true),
  /** Plain (unmasked, one logical block per physical block) baselines for the atom overhead. */
  FMA_PLAIN("fma_plain", false),
  STREAM_PLAIN("stream_plain", false),
  CLOCK_PROBE("clock_probe", false);

  public final String symbol;
  /** Atom-aware: takes the common mask/slot parameters and pulls logical blocks from a counter. */
  public final boolean atomAware;

  LibKernel(String symbol, boolean atomAware) {
    this.symbol = symbol;
    this.atomAware = atomAware;
  }
}
