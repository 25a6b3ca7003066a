package io.lithosj.workload;

/**
 * One tenant of a shared GPU.
 *
 * @param sloMs     latency objective per request (inference); 0 = none
 * @param tpcQuota  TPCs this tenant is entitled to under LithOS (and sized MIG partitions);
 *                  0 = an equal share of what the other tenants leave
 * @param launch    how its framework launches kernels (graph or eager, with the host cost)
 */
public record TenantSpec(String name, Priority priority, double sloMs, int tpcQuota, Workload workload, Launch launch) {
  public TenantSpec {
    if (launch == null) launch = Launch.defaultFor(workload);
  }

  /** With the default launch: graph for inference, eager for training ({@link Launch#defaultFor}). */
  public TenantSpec(String name, Priority priority, double sloMs, int tpcQuota, Workload workload) {
    this(name, priority, sloMs, tpcQuota, workload, null);
  }

  public boolean isHighPriority() { return priority == Priority.HP; }
  public boolean isInference() { return workload instanceof Workload.Inference; }
  public TenantSpec withLaunch(Launch l) { return new TenantSpec(name, priority, sloMs, tpcQuota, workload, l); }
}
