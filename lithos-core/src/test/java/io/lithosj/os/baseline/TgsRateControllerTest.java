package io.lithosj.os.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TgsRateControllerTest {
  private static final double SOLO = 200_000; // HP blocks per report, alone

  /** Feed the slightly jittery solo rate until profiling ends (returns reports used). */
  private static int profile(TgsRateController c) {
    int n = 0;
    while (c.profiling()) {
      c.onReport(SOLO - (n % 3) * 50, 0);
      n++;
      if (n > 50) throw new AssertionError("profiling never ended");
    }
    return n;
  }

  @Test
  void profilingHoldsBeBackAndLearnsTheHpSoloRate() {
    TgsRateController c = new TgsRateController(new TgsParams());
    c.onReport(SOLO, 0);
    assertEquals(0, c.limitBlocks(), "BE budget stays 0 (one kernel per window) while profiling");
    profile(c);
    assertTrue(c.reports() >= new TgsParams().profileReports,
        "profiles for at least PROFILE_TIME reports, used " + c.reports());
    assertEquals(SOLO, c.maxRate(), SOLO * 0.01, "max HP rate estimate");
  }

  @Test
  void slowStartGrowsTheBudgetWhileHpThroughputHolds() {
    TgsRateController c = new TgsRateController(new TgsParams());
    profile(c);
    c.onReport(SOLO, 0); // first control report: budget = LIMIT_INITIALIZER
    assertEquals(20_000, c.limitBlocks());
    c.onReport(SOLO, 0);
    assertEquals(30_001, c.limitBlocks(), "x1.5 + 1");
    c.onReport(SOLO, 0);
    assertEquals(45_002, c.limitBlocks());
    assertEquals(TgsRateController.State.SLOW_START, c.state());
  }

  @Test
  void throttlesBeWhenHpThroughputDrops() {
    TgsRateController c = new TgsRateController(new TgsParams());
    profile(c);
    for (int i = 0; i < 4; i++) c.onReport(SOLO, 0);
    long before = c.limitBlocks();
    c.onReport(SOLO * 0.95, 0); // 5% drop: beyond the 3% band
    assertEquals((long) (before / 1.5), c.limitBlocks(), "slow start backs off by 1.5");
    assertEquals(TgsRateController.State.CONGESTION_AVOIDANCE, c.state());
    long ca = c.limitBlocks();
    c.onReport(SOLO * 0.95, 0); // still harmed: multiplicative decrease
    assertEquals(ca - Math.max((long) (ca * 0.08), 1000), c.limitBlocks());
    long md = c.limitBlocks();
    c.onReport(SOLO * 0.85, 0); // >= 3x threshold: collapse to slow start with budget / 10
    assertTrue(c.limitBlocks() <= md / 10, "budget " + c.limitBlocks() + " vs " + md);
    assertEquals(TgsRateController.State.SLOW_START, c.state());
  }

  @Test
  void congestionAvoidanceProbesUpAdditivelyOnceHpRecovers() {
    TgsRateController c = new TgsRateController(new TgsParams());
    profile(c);
    for (int i = 0; i < 4; i++) c.onReport(SOLO, 0);
    c.onReport(SOLO * 0.95, 0);
    long ca = c.limitBlocks();
    c.onReport(SOLO, 0);
    assertEquals(ca + Math.max((long) (c.maxRate() * 0.00025), 1000), c.limitBlocks());
  }

  @Test
  void idleHpLetsBeRunFreeAfterWarmup() {
    TgsRateController c = new TgsRateController(new TgsParams());
    profile(c);
    // Stay steady through the warm-up reports, then go quiet. A drop of > 20% re-profiles
    // first (the estimate follows the idle rate down), so feed zeros until control frees BE.
    for (int i = 0; i < 16; i++) c.onReport(SOLO, 0);
    for (int i = 0; i < 40 && c.limitBlocks() < TgsRateController.AVOIDANCE_CAP; i++) c.onReport(0, 500);
    assertTrue(c.limitBlocks() >= TgsRateController.AVOIDANCE_CAP, "budget " + c.limitBlocks());
  }

  @Test
  void largeRiseInHpRateRestartsProfiling() {
    TgsRateController c = new TgsRateController(new TgsParams());
    profile(c);
    for (int i = 0; i < 3; i++) c.onReport(SOLO, 0);
    c.onReport(SOLO * 1.5, 0); // the window max lags one report: still tracking
    assertFalse(c.profiling());
    long held = c.limitBlocks();
    c.onReport(SOLO * 1.5, 0); // window max (mean of a pair) now > 1.2x the estimate
    assertTrue(c.profiling(), "re-profiles after a > 20% change of the HP rate");
    assertEquals(held, c.limitBlocks(), "the budget is kept while re-profiling");
    assertFalse(c.maxRate() < SOLO, "estimate only moves up here");
  }
}
