package io.lithosj.os.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One scenario file, every registered policy, nothing changed but the policy name: each run
 * must finish with the runner's block-coverage checks passing, measure the HP service (its
 * backlog counts when, as under MPS, head-of-line blocking lets no request finish) and get work
 * done.
 */
class EveryPolicySameScenarioTest {
  static Scenario demo() {
    Path p = Path.of("datasets/scenarios/stacking-demo.json");
    if (!p.toFile().exists()) p = Path.of("../datasets/scenarios/stacking-demo.json");
    return ScenarioLoader.load(p).withDurationMs(500, 100);
  }

  static Stream<String> policies() {
    return Policies.names().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void runsTheSameScenarioUnderEveryPolicy(String policy) {
    Scenario base = demo();
    Scenario s = base.withPolicy(policy);
    assertEquals(base.tenants(), s.tenants(), "only the policy differs");
    RunResult r = Runner.run(s);
    assertEquals(policy, r.policy());
    assertEquals(List.of("hp-infer", "be-train"), r.tenants().stream().map(t -> t.tenant()).toList());
    double hpP99 = r.tenant("hp-infer").p99OrBoundMs(); // the p99, or its lower bound where the queue is unstable (mps)
    assertTrue(Double.isFinite(hpP99) && hpP99 > 0, policy + " HP p99 " + hpP99);
    assertTrue(r.tenants().stream().mapToLong(t -> t.completed()).sum() > 0, policy + " completed nothing");
    assertTrue(r.tpcUtilization() > 0 && r.tpcUtilization() <= 1.0 + 1e-9, policy + " utilization " + r.tpcUtilization());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("researchBaselines")
  void researchBaselinesAreDeterministic(String policy) {
    Scenario s = demo().withPolicy(policy);
    RunResult a = Runner.run(s);
    RunResult b = Runner.run(s);
    assertEquals(a.toCsv(), b.toCsv());
    assertEquals(a.policyMetrics(), b.policyMetrics());
  }

  static Stream<String> researchBaselines() {
    return Stream.of("tgs", "orion", "reef");
  }

  @Test
  void theResearchBaselinesAreRegisteredWithFieldNamedErrors() {
    assertTrue(Policies.names().containsAll(List.of("tgs", "orion", "reef")), Policies.names().toString());
    assertEquals("policy.params.durThresholdFraction", assertThrows(Policies.PolicyConfigException.class,
        () -> Policies.create("orion", Map.of("durThresholdFraction", 0))).field());
    assertEquals("policy.params.smThreshold", assertThrows(Policies.PolicyConfigException.class,
        () -> Policies.create("orion", Map.of("smThreshold", -4))).field());
    assertEquals("policy.params.preemptLatencyUs", assertThrows(Policies.PolicyConfigException.class,
        () -> Policies.create("reef", Map.of("preemptLatencyUs", -1))).field());
    assertEquals("policy.params.padding", assertThrows(Policies.PolicyConfigException.class,
        () -> Policies.create("reef", Map.of("padding", false))).field());
    ReefParams d = (ReefParams) Policies.defaults("reef");
    assertEquals(40, d.preemptLatencyUs);
    OrionParams o = (OrionParams) Policies.defaults("orion");
    assertEquals(0.025, o.durThresholdFraction);
  }
}
