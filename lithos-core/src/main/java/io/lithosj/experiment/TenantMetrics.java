package io.lithosj.experiment;

import io.lithosj.workload.Priority;

/**
 * One tenant's results over the measured window (after warm-up).
 *
 * @param throughputPerSec  requests (inference) or iterations (training) completed per second
 * @param sloAttainment     share of completed requests within the SLO (1 when there is no SLO)
 * @param goodputPerSec     requests per second completed within the SLO
 */
public record TenantMetrics(String tenant, Priority priority, String kind, long completed, double throughputPerSec,
                            double p50Ms, double p90Ms, double p99Ms, double p999Ms, double meanMs,
                            double sloMs, double sloAttainment, double goodputPerSec) {}
