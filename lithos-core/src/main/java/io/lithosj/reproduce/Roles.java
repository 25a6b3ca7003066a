package io.lithosj.reproduce;

import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.workload.TenantSpec;
import java.util.List;
import java.util.Locale;

/**
 * Puts the plan's services and jobs into a template scenario's tenants (its roles: names,
 * priorities and TPC quotas stay; model, batch, load and SLO come from the plan), and scales a
 * Table 2 load down only where the modeled GPU cannot carry it.
 */
final class Roles {
  private Roles() {}

  /** How a service's Table 2 load was offered on one GPU. */
  record Load(String tenant, String service, double paperRps, double offeredRps, double soloCapacityRps) {
    boolean scaled() { return offeredRps < paperRps; }

    String note() {
      return String.format(Locale.ROOT, "%s: Table 2 load %.3g/s %s (capacity alone %.3g/s)", service, paperRps,
          scaled() ? String.format(Locale.ROOT, "scaled to %.3g/s", offeredRps) : "kept", soloCapacityRps);
    }
  }

  /** An open-loop (Poisson) service in the role {@code tenant}, at the Table 2 load scaled by {@link #offeredLoad}. */
  static Scenario service(Scenario s, String tenant, PaperPlan.Service svc, double ratePerSec) {
    return replace(s, tenant, c -> new TenantConfig(c.name(), c.priority(), svc.sloMs(), c.tpcQuota(), "inference", "poisson",
        ratePerSec, null, svc.batchSize(), svc.model(), null, null));
  }

  /** The same service in a best-effort role: closed loop (the next request as soon as one ends), no SLO. */
  static Scenario closedLoop(Scenario s, String tenant, PaperPlan.Service svc) {
    return replace(s, tenant, c -> new TenantConfig(c.name(), c.priority(), null, c.tpcQuota(), "inference", "closed",
        null, null, svc.batchSize(), svc.model(), null, null));
  }

  /** A training job (iterations back to back) in the role {@code tenant}. */
  static Scenario training(Scenario s, String tenant, PaperPlan.TrainingJob job) {
    return replace(s, tenant, c -> new TenantConfig(c.name(), c.priority(), null, c.tpcQuota(), "training", null, null, null,
        job.batchSize(), job.model(), null, null));
  }

  /**
   * The load to offer: Table 2's, or {@code maxSoloLoad} × the service's capacity alone on the
   * scenario's GPU (1 / its request's latency on the whole GPU) when Table 2's is above that.
   */
  static Load offeredLoad(Scenario s, String tenant, String serviceName, PaperPlan.Service svc, double maxSoloLoad) {
    Scenario probe = service(s, tenant, svc, svc.ratePerSec()).onlyTenants(tenant);
    TenantSpec spec = probe.tenantSpecs().get(0);
    double requestMs = Scenario.soloRequestMs(spec.workload().kernels(), probe.gpuSpec(), probe.dispatchModel(), spec.launch());
    double capacity = 1000.0 / requestMs;
    return new Load(tenant, serviceName, svc.ratePerSec(), Math.min(svc.ratePerSec(), maxSoloLoad * capacity), capacity);
  }

  private static Scenario replace(Scenario s, String tenant, java.util.function.UnaryOperator<TenantConfig> f) {
    boolean found = s.tenants().stream().anyMatch(c -> c.name().equals(tenant));
    if (!found) throw new IllegalArgumentException("no tenant (role) '" + tenant + "' in " + s.nameOrDefault());
    List<TenantConfig> out = s.tenants().stream().map(c -> c.name().equals(tenant) ? f.apply(c) : c).toList();
    return s.withTenants(out);
  }
}
