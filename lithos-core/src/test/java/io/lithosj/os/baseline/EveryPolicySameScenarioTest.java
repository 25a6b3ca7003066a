package io.lithosj.os.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
    double hpP99 = r.tenant("hp-infer").p99Ms();
    assertTrue(Double.isFinite(hpP99) && hpP99 > 0, policy + " HP p99 " + hpP99);
    assertTrue(r.tenants().stream().mapToLong(t -> t.completed()).sum() > 0, policy + " completed nothing");
    assertTrue(r.tpcUtilization() > 0 && r.tpcUtilization() <= 1.0 + 1e-9, policy + " utilization " + r.tpcUtilization());
  }

  @org.junit.jupiter.api.Test
  void theResearchBaselinesAreRegistered() {
    assertTrue(Policies.names().containsAll(List.of("tgs", "orion", "reef")), Policies.names().toString());
  }
}
