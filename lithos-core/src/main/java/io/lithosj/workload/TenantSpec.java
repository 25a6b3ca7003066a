package io.lithosj.workload;

/**
 * One tenant of a shared GPU.
 *
 * @param sloMs     latency objective per request (inference); 0 = none
 * @param tpcQuota  TPCs this tenant is entitled to under LithOS (and sized MIG partitions);
 *                  0 = an equal share of what the other tenants leave
 */
public record TenantSpec(String name, Priority priority, double sloMs, int tpcQuota, Workload workload) {
  public boolean isHighPriority() { return priority == Priority.HP; }
  public boolean isInference() { return workload instanceof Workload.Inference; }
}
