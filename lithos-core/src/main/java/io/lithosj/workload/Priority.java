package io.lithosj.workload;

/** Tenant class: latency-critical (high priority) or best-effort. */
public enum Priority { HP, BE }
