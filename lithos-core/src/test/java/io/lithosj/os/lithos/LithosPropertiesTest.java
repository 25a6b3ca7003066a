package io.lithosj.os.lithos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.KernelConfig;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.os.Policies;
import io.lithosj.workload.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * LithOS on the modeled H100 under random tenants, kernels, arrival patterns and parameter
 * combinations, with {@link InvariantCheckingPolicy} watching every atom: no TPC double-booked,
 * every block exactly once, owners with work never lend, work-conserving, and (where the
 * predictor is exact) atoms within the target, so an HP tenant waits at most one atom.
 */
class LithosPropertiesTest {
  static final List<String> TEST_POLICIES = List.of("lithos-checked", "lithos-checked-length");

  /** The runner makes policies by name, so the checked variants are registered for this class only. */
  @BeforeContainer
  static void registerCheckedPolicies() {
    Policies.register("lithos-checked", LithosParams.class, InvariantCheckingPolicy::new, "LithOS with invariant checks (tests)");
    Policies.register("lithos-checked-length", LithosParams.class, p -> new InvariantCheckingPolicy(p).checkingAtomLength(),
        "LithOS with invariant and atom-length checks (tests)");
  }

  /** Tests that iterate over every registered policy must not see the test-only variants. */
  @AfterContainer
  static void unregisterCheckedPolicies() throws ReflectiveOperationException {
    java.lang.reflect.Field f = Policies.class.getDeclaredField("REGISTRY");
    f.setAccessible(true);
    ((Map<?, ?>) f.get(null)).keySet().removeAll(TEST_POLICIES);
  }

  static final double DURATION_MS = 12;

  @Property(tries = 60)
  void invariantsHoldOnRandomStacks(@ForAll("tenants") List<TenantConfig> tenants, @ForAll("params") Map<String, Object> params,
                                    @ForAll("seeds") long seed) {
    Assume.that(everyTenantGetsTpcs(tenants, params));
    RunResult r = Runner.run(scenario(tenants, "lithos-checked", params, seed));
    InvariantCheckingPolicy c = InvariantCheckingPolicy.last;
    Assume.that(c.atoms > 0); // no request arrived in the window: nothing was checked
    assertTrue(c.quiescentChecks > 0);
    assertEquals(c.atoms, r.policyMetrics().get("atoms"), "policy and checker saw the same atoms");
    Statistics.label("stealing").collect(c.stolenAtoms > 0);
    Statistics.label("split kernels").collect(c.atoms > c.launchesCompleted + tenants.size());
    Statistics.label("HP beside BE").collect(tenants.stream().map(TenantConfig::priority).distinct().count() == 2);
  }

  /**
   * Compute-only kernels (no DRAM contention) with the roofline prior: predictions are exact, so
   * every atom must run within max(target, one wave). With the properties above this bounds an
   * HP tenant's wait for its quota to one atom.
   */
  @Property(tries = 30)
  void atomsStayWithinTheTargetWhenPredictionsAreExact(@ForAll("computeTenants") List<TenantConfig> tenants,
                                                       @ForAll("seeds") long seed,
                                                       @ForAll("targets") double atomTargetMs) {
    Map<String, Object> params = Map.of("atomTargetMs", atomTargetMs);
    RunResult r = Runner.run(scenario(tenants, "lithos-checked-length", params, seed));
    InvariantCheckingPolicy c = InvariantCheckingPolicy.last;
    Assume.that(c.atoms > 0);
    assertTrue(c.maxAtomOverTargetRatio <= 1 + 1e-6);
    assertTrue(r.policyMetrics().get("predictorMapePct") < 1e-6, "exact predictions: " + r.policyMetrics());
  }

  static Scenario scenario(List<TenantConfig> tenants, String policy, Map<String, Object> params, long seed) {
    return new Scenario("random", "h100-sxm", "sim", DURATION_MS, 1.0, seed, new Scenario.PolicyConfig(policy, params), tenants);
  }

  private static boolean everyTenantGetsTpcs(List<TenantConfig> tenants, Map<String, Object> params) {
    if (Boolean.TRUE.equals(params.get("stealing"))) return true;
    List<io.lithosj.workload.TenantSpec> specs = scenario(tenants, "lithos", Map.of(), 1).tenantSpecs();
    int[] q = TpcScheduler.quotas(GpuSpec.H100_SXM.tpcCount(), specs);
    int sum = java.util.Arrays.stream(q).sum();
    return sum < GpuSpec.H100_SXM.tpcCount() || java.util.Arrays.stream(q).allMatch(x -> x > 0);
  }

  // ---- generators

  @Provide Arbitrary<Long> seeds() { return Arbitraries.longs().between(1, 1_000_000); }

  @Provide Arbitrary<Double> targets() { return Arbitraries.doubles().between(0.05, 1.0); }

  @Provide Arbitrary<Map<String, Object>> params() {
    return Combinators.combine(
        Arbitraries.of(true, true, true, false), Arbitraries.of(true, true, false), Arbitraries.of(true, false),
        Arbitraries.of(true, false),
        Arbitraries.doubles().between(0.05, 1.0), Arbitraries.of("prior", "measure"), Arbitraries.of(0.0, 20.0),
        Arbitraries.of("fit", "search")).as((steal, atomize, rs, pm, target, cold, hold, model) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("stealing", steal);
          m.put("atomization", atomize);
          m.put("rightSizing", rs);
          m.put("powerManagement", pm);
          m.put("atomTargetMs", target);
          m.put("coldStart", cold);
          m.put("nextKernelHoldUs", hold);
          m.put("rightSizeModel", model);
          m.put("rightSizeSlip", 0.1);
          return m;
        });
  }

  @Provide Arbitrary<List<TenantConfig>> tenants() { return tenantList(kernel(true)); }

  @Provide Arbitrary<List<TenantConfig>> computeTenants() { return tenantList(kernel(false)); }

  private static Arbitrary<List<TenantConfig>> tenantList(Arbitrary<KernelConfig> kernel) {
    Arbitrary<TenantConfig> tenant = Combinators.combine(
        Arbitraries.of(Priority.HP, Priority.BE),
        Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 16)),
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.just("poisson")),
            net.jqwik.api.Tuple.of(2, Arbitraries.just("closed")),
            net.jqwik.api.Tuple.of(3, Arbitraries.just("training"))),
        Arbitraries.doubles().between(300, 2000),
        kernel.list().ofMinSize(1).ofMaxSize(4)).as((prio, quota, kind, rate, kernels) -> {
          boolean training = kind.equals("training");
          return new TenantConfig("t", prio, 0.0, quota, training ? "training" : "inference",
              training ? null : kind, kind.equals("poisson") ? rate : null, null, 1, null, kernels);
        });
    return tenant.list().ofMinSize(2).ofMaxSize(4).map(LithosPropertiesTest::named);
  }

  /** Unique tenant and kernel names (the predictor keys on kernel names). */
  private static List<TenantConfig> named(List<TenantConfig> in) {
    List<TenantConfig> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      TenantConfig t = in.get(i);
      List<KernelConfig> ks = new ArrayList<>();
      for (int j = 0; j < t.kernels().size(); j++) {
        KernelConfig k = t.kernels().get(j);
        ks.add(new KernelConfig("t" + i + "k" + j, k.blocks(), k.threadsPerBlock(), k.regsPerThread(), k.smemPerBlockBytes(),
            k.blockComputeUs(), k.blockDramBytes(), k.clockSensitivity(), 1));
      }
      out.add(new TenantConfig("t" + i, t.priority(), t.sloMs(), t.tpcQuota(), t.type(), t.arrivals(), t.ratePerSec(),
          t.arrivalMs(), t.batchSize(), t.model(), ks));
    }
    return out;
  }

  private static Arbitrary<KernelConfig> kernel(boolean withDram) {
    Arbitrary<Double> bytes = withDram
        ? Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(1e3, 2e6))
        : Arbitraries.just(0.0);
    return Combinators.combine(
        Arbitraries.oneOf(Arbitraries.integers().between(1, 2000), Arbitraries.integers().between(2000, 40_000)),
        Arbitraries.of(64, 128, 256, 512, 1024),
        Arbitraries.of(0, 32, 64),
        Arbitraries.of(0, 16384, 49152),
        Arbitraries.oneOf(Arbitraries.doubles().between(5, 40), Arbitraries.doubles().between(40, 300)),
        bytes,
        Arbitraries.doubles().between(0, 1)).as((blocks, threads, regs, smem, us, by, s) ->
            new KernelConfig("k", blocks, threads, regs, smem, us, by, s, 1));
  }
}
