package io.lithosj.kernel;

/**
 * One launch of a {@link Kernel} by a tenant: the unit that the workload submits and that a
 * policy turns into one or more {@link Atom}s.
 *
 * @param id        unique within a run, increasing in submission order
 * @param tenant    index of the submitting tenant in the scenario
 * @param seq       position of this kernel in its request or iteration
 * @param submitMs  when the tenant's stream made it ready
 */
public record KernelLaunch(long id, int tenant, Kernel kernel, int seq, double submitMs) {
  public int blocks() { return kernel.blocks(); }
}
