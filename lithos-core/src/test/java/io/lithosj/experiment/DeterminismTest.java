package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class DeterminismTest {
  @Test
  void sameScenarioAndSeedGiveIdenticalCsv() {
    Scenario s = Scenarios.stackingDemo().withDurationMs(600, 100);
    for (String p : new String[] {"mps", "time-slicing", "mig"}) {
      assertEquals(Runner.run(s.withPolicy(p)).toCsv(), Runner.run(s.withPolicy(p)).toCsv(), p);
    }
  }

  @Test
  void differentSeedGivesDifferentArrivals() {
    Scenario s = Scenarios.stackingDemo().withDurationMs(600, 100);
    assertNotEquals(Runner.run(s.withSeed(1)).toCsv(), Runner.run(s.withSeed(2)).toCsv());
  }
}
