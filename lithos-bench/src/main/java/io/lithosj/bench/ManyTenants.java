package io.lithosj.bench;

import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.KernelConfig;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.workload.Priority;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario of {@code n} tenants on one H100 whose offered work does not grow with {@code n}:
 * half are HP inference services sharing 2,000 requests/s (Poisson), half BE training jobs. More
 * tenants then means more, smaller queues for the same GPU, so a policy's cost per simulated event
 * should stay flat; issue 16 found LithOS's grew 15x from 10 to 50 tenants.
 * With more tenants than TPCs the quotas are 0 (shared equally: one TPC each to the first 66).
 */
public final class ManyTenants {
  static final double TOTAL_HP_RATE_PER_SEC = 2000;

  private ManyTenants() {}

  public static Scenario scenario(int n, String policy, double durationMs) {
    if (n < 2) throw new IllegalArgumentException("tenants must be >= 2 (an HP and a BE), was " + n);
    int hp = n / 2;
    List<TenantConfig> tenants = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean isHp = i < hp;
      List<KernelConfig> ks = isHp
          ? List.of(new KernelConfig("conv", 132, 256, 32, null, 20.0, null, 0.9, 6),
              new KernelConfig("bn_relu", 264, 256, null, null, 4.0, 65536.0, 0.2, 4),
              new KernelConfig("fc", 66, 256, null, null, 15.0, null, 0.9, null))
          : List.of(new KernelConfig("gemm", 2112, 256, 32, null, 50.0, null, 0.95, 2),
              new KernelConfig("elementwise", 528, 256, null, null, 10.0, 262144.0, 0.1, 2));
      tenants.add(new TenantConfig((isHp ? "hp" : "be") + i, isHp ? Priority.HP : Priority.BE, isHp ? 10.0 : null, null,
          isHp ? "inference" : "training", isHp ? "poisson" : null, isHp ? TOTAL_HP_RATE_PER_SEC / hp : null, null, null,
          null, ks));
    }
    return new Scenario("many-" + n, "h100-sxm", "sim", durationMs, durationMs * 0.1, 7L,
        new Scenario.PolicyConfig(policy, null), tenants);
  }
}
