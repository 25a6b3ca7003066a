package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunResultTest {
  @Test
  void aRelabelledRunKeepsEverythingButItsPolicyLabel() throws Exception {
    RunResult r = Runner.run(ScenarioLoader.load(Scenarios.file("real/solo-demo-hp.json")).withDurationMs(200, 20));
    RunResult v = r.withPolicyLabel("mps (variant)");
    assertEquals("mps (variant)", v.policy());
    assertEquals(r.withPolicyLabel(r.policy()), r);
    assertEquals(r.toCsv().replace(",mps,", ",mps (variant),"), v.toCsv());
  }
}
