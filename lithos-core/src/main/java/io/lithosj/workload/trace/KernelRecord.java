package io.lithosj.workload.trace;

import java.util.Arrays;

/**
 * One kernel of a model's request/iteration as the dataset keeps it: launch shape and resources
 * from the trace, the measured whole-GPU duration, and its durations measured on fewer SMs.
 *
 * @param durationUs     whole-GPU duration in the Chrome trace (median over the profiled requests)
 * @param runUs          durations in the re-runs, indexed like {@link ModelTrace#SM_COUNTS}
 *                       (whole GPU first), NaN where not measured; compare them with each other,
 *                       not with {@code durationUs}: they come from another run
 * @param scalingSource  which re-run gave {@code runUs}: {@code full} (the whole request), a partial
 *                       run's name, or empty when none could be measured
 * @param dramBytes      DRAM bytes read + written by the whole kernel, measured in a separate run of the
 *                       same request/iteration (datasets/add_dram_bytes.py); NaN where not measured
 */
public record KernelRecord(int seq, String name, int gridX, int gridY, int gridZ, int blockX, int blockY,
                           int blockZ, int regsPerThread, int smemBytes, int stream, double durationUs,
                           double[] runUs, String scalingSource, double dramBytes) {
  /** A kernel without a DRAM measurement. */
  public KernelRecord(int seq, String name, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                      int regsPerThread, int smemBytes, int stream, double durationUs, double[] runUs,
                      String scalingSource) {
    this(seq, name, gridX, gridY, gridZ, blockX, blockY, blockZ, regsPerThread, smemBytes, stream, durationUs, runUs,
        scalingSource, Double.NaN);
  }

  public KernelRecord {
    if (!Double.isNaN(dramBytes) && !(dramBytes >= 0 && Double.isFinite(dramBytes))) {
      throw new IllegalArgumentException("kernel " + seq + ": DRAM bytes must be >= 0, was " + dramBytes);
    }
    if (runUs.length != ModelTrace.SM_COUNTS.length) {
      throw new IllegalArgumentException("kernel " + seq + ": " + runUs.length + " scaling durations, expected "
          + ModelTrace.SM_COUNTS.length);
    }
    runUs = runUs.clone();
  }

  public long blocks() { return (long) gridX * gridY * gridZ; }

  public int threadsPerBlock() { return blockX * blockY * blockZ; }

  @Override public double[] runUs() { return runUs.clone(); }

  /** Whether its DRAM bytes were measured. */
  public boolean hasDramBytes() { return !Double.isNaN(dramBytes); }

  /** Whether re-runs on fewer SMs measured this kernel. */
  public boolean hasScaling() { return !scalingSource.isEmpty() && !Double.isNaN(runUs[0]); }

  /**
   * Measured latency on {@code sms} SMs relative to the whole GPU, from the re-runs
   * ({@code t(sms) / t(all SMs)}), NaN if not measured.
   */
  public double slowdownAt(int sms) {
    int i = ModelTrace.indexOfSms(sms);
    return hasScaling() ? runUs[i] / runUs[0] : Double.NaN;
  }

  @Override public boolean equals(Object o) {
    return o instanceof KernelRecord r && r.seq == seq && r.name.equals(name) && r.gridX == gridX && r.gridY == gridY
        && r.gridZ == gridZ && r.blockX == blockX && r.blockY == blockY && r.blockZ == blockZ
        && r.regsPerThread == regsPerThread && r.smemBytes == smemBytes && r.stream == stream
        && Double.compare(r.durationUs, durationUs) == 0 && Arrays.equals(r.runUs, runUs)
        && r.scalingSource.equals(scalingSource) && Double.compare(r.dramBytes, dramBytes) == 0;
  }

  @Override public int hashCode() { return 31 * Integer.hashCode(seq) + name.hashCode(); }
}
