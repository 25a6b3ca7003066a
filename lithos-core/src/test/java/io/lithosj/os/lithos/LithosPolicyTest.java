package io.lithosj.os.lithos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.KernelConfig;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.os.Policies;
import io.lithosj.workload.Priority;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy as a whole on the modeled H100: configuration errors, lending to deadlines, cold start. */
class LithosPolicyTest {
  @Test
  void parameterErrorsNameTheField() {
    var unknown = assertThrows(Policies.PolicyConfigException.class, () -> Policies.create("lithos", Map.of("atomTarget", 1)));
    assertEquals("policy.params.atomTarget", unknown.field());
    var bad = assertThrows(Policies.PolicyConfigException.class, () -> Policies.create("lithos", Map.of("atomTargetMs", -1)));
    assertTrue(bad.getMessage().contains("atomTargetMs must be > 0"), bad.getMessage());
    var model = assertThrows(Policies.PolicyConfigException.class, () -> Policies.create("lithos", Map.of("rightSizeModel", "spline")));
    assertTrue(model.getMessage().contains("rightSizeModel"), model.getMessage());
    assertTrue(Policies.names().contains("lithos"));
    assertEquals(0.25, ((LithosParams) Policies.defaults("lithos")).atomTargetMs);
  }

  @Test
  void aTenantWithoutTpcsNeedsStealing() {
    Scenario s = scenario(List.of(hp("hp", 66, "closed", stream(2112, 200)), be("be", 0, gemm(4224))), Map.of("stealing", false));
    var e = assertThrows(IllegalArgumentException.class, () -> Runner.run(s));
    assertTrue(e.getMessage().contains("tenants[1] 'be' gets no TPCs"), e.getMessage());
  }

  /**
   * A right-sized HP tenant busy with long streaming kernels on ~26 of its 66 TPCs lends the rest
   * only for atoms predicted to end before its kernel does: the BE job gets real work done there
   * while the HP tenant stays as fast as alone.
   */
  @Test
  void busyOwnersLendSpareTpcsUntilTheirKernelEnds() {
    Map<String, Object> rs = Map.of("rightSizing", true, "rightSizeModel", "search");
    TenantConfig hp = hp("hp", 66, "closed", stream(8448, 20));
    RunResult alone = Runner.run(scenario(List.of(hp), rs));
    RunResult both = Runner.run(scenario(List.of(hp, be("be", 0, gemm(4224))), rs));
    assertTrue(both.policyMetrics().get("deadlineLentAtoms") > 100, both.policyMetrics().toString());
    assertTrue(both.tenant("be").throughputPerSec() > 0);
    assertTrue(alone.policyMetrics().get("meanTargetTpcs") < 40, "right-sized: " + alone.policyMetrics());
    double slowdown = both.tenant("hp").meanMs() / alone.tenant("hp").meanMs();
    assertTrue(slowdown < 1.05, "HP keeps its speed: " + slowdown);
  }

  @Test
  void measureColdStartRunsNewKernelsWholeThenAtomizes() {
    Scenario s = scenario(List.of(be("be", 0, gemm(33792))), Map.of("coldStart", "measure"));
    RunResult r = Runner.run(s);
    Map<String, Double> m = r.policyMetrics();
    assertTrue(m.get("atomsPerLaunch") > 5, "after the first whole run the GEMM is split: " + m);
    assertTrue(m.get("predictorMapePct") < 5, "alone, per-wave times are steady: " + m);
    assertTrue(r.tenant("be").throughputPerSec() > 0);
  }

  // ---- builders

  static Scenario scenario(List<TenantConfig> tenants, Map<String, Object> params) {
    return new Scenario("t", "h100-sxm", "sim", 60.0, 5.0, 3L, new Scenario.PolicyConfig("lithos", params), tenants);
  }

  static TenantConfig hp(String name, int quota, String arrivals, KernelConfig k) {
    return new TenantConfig(name, Priority.HP, 0.0, quota, "inference", arrivals, null, null, 1, null, List.of(k));
  }

  static TenantConfig be(String name, int quota, KernelConfig k) {
    return new TenantConfig(name, Priority.BE, 0.0, quota, "training", null, null, null, 1, null, List.of(k));
  }

  /** Streaming kernel, 0.5 MiB per block: saturates DRAM near 26 TPCs. */
  static KernelConfig stream(int blocks, double blockUs) {
    return new KernelConfig("copy", blocks, 256, 32, 0, blockUs, 524288.0, 0.1, 1);
  }

  static KernelConfig gemm(int blocks) {
    return new KernelConfig("gemm", blocks, 256, 32, 0, 100.0, 0.0, 0.95, 1);
  }
}
