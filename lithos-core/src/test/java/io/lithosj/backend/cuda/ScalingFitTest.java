package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScalingFitTest {
  @Test void recoversAnExactModel() {
    int[] n = {1, 2, 4, 8, 16, 33, 66};
    double[] lat = new double[n.length];
    for (int i = 0; i < n.length; i++) lat[i] = 9.0 / n[i] + 0.02;
    ScalingFit f = ScalingFit.fit(n, lat);
    assertEquals(9.0, f.m(), 1e-9);
    assertEquals(0.02, f.b(), 1e-9);
    assertEquals(0, f.maxRelErr(), 1e-9);
    assertEquals(0, f.twoPointMaxRelErr(), 1e-9);
  }

  @Test void saturatingKernelFitsBadlyAndSaysSo() {
    // A streaming kernel: bandwidth-bound from 24 TPCs on, so latency stops falling.
    int[] n = {1, 2, 4, 8, 16, 24, 33, 48, 66};
    double[] lat = new double[n.length];
    for (int i = 0; i < n.length; i++) lat[i] = Math.max(10.0 / n[i], 10.0 / 24);
    ScalingFit f = ScalingFit.fit(n, lat);
    assertTrue(f.maxRelErr() > 0.2, "max error " + f.maxRelErr());
    // The paper's two-point fit misses the middle even more than least squares does.
    assertTrue(f.twoPointMaxRelErr() >= f.maxRelErr() - 1e-12);
  }

  @Test void needsTwoPoints() {
    assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(new int[] {1}, new double[] {1}));
  }

  @Test void solvesThreeByThree() {
    double[] x = Calibrator.solve3(new double[][] {{2, 1, 0}, {1, 3, 1}, {0, 1, 4}}, new double[] {4, 10, 14});
    assertEquals(1, x[0], 1e-9);
    assertEquals(2, x[1], 1e-9);
    assertEquals(3, x[2], 1e-9);
  }

  @Test void percentileAndSlope() {
    assertEquals(9, Calibrator.percentile(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.8), 1e-12);
    assertEquals(2.0, Calibrator.slope(new int[] {1, 2, 3}, new double[] {1, 3, 5}), 1e-12);
  }
}
