package io.lithosj.workload.trace;

/**
 * One kernel execution read from a profiler trace.
 *
 * @param request        index of the request/iteration it belongs to in {@link KernelTrace#requestLabels()},
 *                       -1 if it was launched outside every request range
 * @param seq            position within its request (0-based, in start order), or within the
 *                       unassigned kernels
 * @param regsPerThread  registers per thread, 0 if the trace does not say
 * @param smemBytes      shared memory per block (static + dynamic), 0 if the trace does not say
 * @param stream         CUDA stream id, -1 if the trace does not say
 */
public record TraceKernel(int request, int seq, String name,
                          int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                          int regsPerThread, int smemBytes, int stream, double startUs, double durationUs) {
  /** Thread blocks of the grid. */
  public long blocks() { return (long) gridX * gridY * gridZ; }

  public int threadsPerBlock() { return blockX * blockY * blockZ; }

  /** Whether the trace gave the launch configuration (grid and block). */
  public boolean hasLaunchShape() { return blocks() > 0 && threadsPerBlock() > 0; }
}
