package io.lithosj.backend.cuda;

/**
 * What one logical block of a library kernel does and how the kernel is shaped on the GPU.
 *
 * @param threadsPerBlock  threads of each physical block
 * @param blocksPerSm      resident blocks per SM, enforced with dynamic shared memory
 * @param iters            FMA iterations per thread and logical block (FMA, MIXED)
 * @param elems            float4 copied per logical block, 32 DRAM bytes each (STREAM, MIXED)
 * @param spinNs           busy time of a logical block (SMOKE)
 */
public record LibraryLaunch(LibKernel kernel, int threadsPerBlock, int blocksPerSm, int iters, int elems, int spinNs) {
  public static final int BYTES_PER_ELEM = 32;

  public LibraryLaunch {
    if (!kernel.atomAware) throw new IllegalArgumentException(kernel + " is not an atom kernel");
    if (threadsPerBlock < 32 || threadsPerBlock > 1024 || threadsPerBlock % 32 != 0) {
      throw new IllegalArgumentException("threadsPerBlock must be a multiple of 32 in 32..1024, was " + threadsPerBlock);
    }
    if (blocksPerSm < 1 || blocksPerSm > 32) throw new IllegalArgumentException("blocksPerSm must be 1..32, was " + blocksPerSm);
    if (iters < 0 || elems < 0 || spinNs < 0) throw new IllegalArgumentException("iters, elems, spinNs must be >= 0");
  }

  public static LibraryLaunch fma(int threads, int blocksPerSm, int iters) {
    return new LibraryLaunch(LibKernel.FMA, threads, blocksPerSm, iters, 0, 0);
  }

  public static LibraryLaunch stream(int threads, int blocksPerSm, int elems) {
    return new LibraryLaunch(LibKernel.STREAM, threads, blocksPerSm, 0, elems, 0);
  }

  public static LibraryLaunch mixed(int threads, int blocksPerSm, int iters, int elems) {
    return new LibraryLaunch(LibKernel.MIXED, threads, blocksPerSm, iters, elems, 0);
  }

  public static LibraryLaunch smoke(int threads, int blocksPerSm, int spinNs) {
    return new LibraryLaunch(LibKernel.SMOKE, threads, blocksPerSm, 0, 0, spinNs);
  }

  /** DRAM bytes one logical block reads plus writes. */
  public long blockDramBytes() { return (long) elems * BYTES_PER_ELEM; }
}
