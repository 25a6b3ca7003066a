package io.lithosj.os.lithos;

import static io.lithosj.os.lithos.Fixtures.H100;
import static io.lithosj.os.lithos.Fixtures.compute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerManagerTest {
  private static PowerManager pm(double slip) { return new PowerManager(H100, slip, 0.5, 0, 1980); }

  @Test
  void lowestClockWithinTheSlip() {
    PowerManager p = pm(0.07);
    // all work core-bound (s = 1): 1980/f - 1 <= 0.07 → f >= 1850.5 → 1860 MHz (15 MHz steps)
    assertEquals(1860, p.chooseClockMhz(List.of(new PowerManager.Work(1.0, 5))));
    // memory-bound work does not slow down: lowest clock
    assertEquals(345, p.chooseClockMhz(List.of(new PowerManager.Work(0.0, 5))));
    assertEquals(345, p.chooseClockMhz(List.of()), "idle: lowest clock");
    // weighted: S = (1*1 + 0*3)/4 = 0.25 → 1980/f - 1 <= 0.28 → f >= 1546.9 → 1560
    assertEquals(1560, p.chooseClockMhz(List.of(new PowerManager.Work(1.0, 1), new PowerManager.Work(0.0, 3))));
    assertEquals(1980, pm(0).chooseClockMhz(List.of(new PowerManager.Work(0.5, 1))), "no slip: full clock");
  }

  @Test
  void chosenClockMeetsTheConstraint() {
    PowerManager p = pm(0.05);
    for (double s = 0.05; s <= 1.0; s += 0.05) {
      int f = p.chooseClockMhz(List.of(new PowerManager.Work(s, 1)));
      assertTrue(s * (1980.0 / f - 1) <= 0.05 + 1e-12);
      if (f > 345) assertTrue(s * (1980.0 / (f - 15) - 1) > 0.05, "lowest such clock at s=" + s);
    }
  }

  @Test
  void sensitivityIsSolvedFromTwoClocks() {
    // s = 0.6: per-wave time at f is 100 * (1 + 0.6 (1980/f - 1))
    double s = 0.6;
    double a1 = 1980.0 / 990 - 1, a2 = 0;
    assertEquals(s, PowerManager.solveSensitivity(100 * (1 + s * a1), a1, 100, a2), 1e-12);
    assertEquals(s, PowerManager.solveSensitivity(100, a2, 100 * (1 + s * a1), a1), 1e-12);
    assertEquals(1.0, PowerManager.solveSensitivity(500, a1, 100, a2), 1e-12, "clamped");
  }

  @Test
  void learnsSensitivityOnlineFromTheProfilePrior() {
    Kernel k = new Kernel("gemm", 16_000, 256, 32, 0, new WorkProfile(50, 0, 0.9)); // prior 0.9, truth 0.3
    PowerManager p = pm(0.07);
    assertEquals(0.9, p.sensitivity(k), 1e-12);
    double truth = 0.3;
    for (int i = 0; i < 30; i++) {
      p.observe(k, 10, 4, 4 * 50.0, 1980);
      p.observe(k, 10, 4, 4 * 50.0 * (1 + truth * (1980.0 / 1200 - 1)), 1200);
    }
    assertEquals(truth, p.sensitivity(k), 1e-6);
    assertTrue(p.sensitivitySamples() > 0);
    Kernel other = compute("other", 100, 5);
    p.observe(other, 10, 1, 5, 1980);
    p.observe(other, 10, 1, 5.01, 1965); // too close in clock to learn from
    assertEquals(0.9, p.sensitivity(other), 1e-12);
  }

  @Test
  void runTimesAreNormalizedOverTheClockHistory() {
    PowerManager p = pm(0.07);
    p.clockChanged(1.0, 990); // fmax/f = 2
    p.clockChanged(3.0, 1980);
    assertEquals(1980, p.clockAt(0.5));
    assertEquals(990, p.clockAt(2.0));
    // s = 1: slowdown 1 on [0,1), 2 on [1,3), 1 after → mean over [0,4] = (1 + 4 + 1) / 4
    assertEquals(1.5, p.meanSlowdown(1.0, 0, 4), 1e-12);
    assertEquals(2.0, p.meanSlowdown(1.0, 1.5, 2.5), 1e-12);
    assertTrue(p.steadyClock(1.2, 2.9));
    assertTrue(!p.steadyClock(0.5, 1.5));
    p.forgetBefore(2.0);
    assertEquals(2.0, p.meanSlowdown(1.0, 2.0, 3.0), 1e-12);
  }
}
