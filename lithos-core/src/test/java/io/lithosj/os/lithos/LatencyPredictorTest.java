package io.lithosj.os.lithos;

import static io.lithosj.os.lithos.Fixtures.H100;
import static io.lithosj.os.lithos.Fixtures.compute;
import static io.lithosj.os.lithos.Fixtures.streaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.kernel.Kernel;
import org.junit.jupiter.api.Test;

class LatencyPredictorTest {
  @Test
  void priorColdStartIsTheRooflineModel() {
    LatencyPredictor p = new LatencyPredictor(H100, true, 0.3);
    Kernel k = streaming("copy", 5000, 10, 500_000);
    for (int n : new int[] {1, 7, 33, 66}) assertEquals(k.idealLatencyUs(H100, n), p.predictKernelUs(k, n), 1e-9);
    assertFalse(p.seen(k));
  }

  @Test
  void learnsACorrectionPerTpcCountAndBorrowsTheNearest() {
    LatencyPredictor p = new LatencyPredictor(H100, true, 0.5);
    Kernel k = compute("gemm", 16_000, 50);
    double prior10 = k.idealLatencyUs(H100, 10);
    p.observe(k, 1600, 10, 2 * k.withBlocks(1600).idealLatencyUs(H100, 10)); // ran 2x slower than the model
    assertEquals(2 * prior10, p.predictKernelUs(k, 10), 1e-6);
    assertEquals(2 * k.idealLatencyUs(H100, 12), p.predictKernelUs(k, 12), 1e-6, "nearest observed count");
    p.observe(k, 1600, 20, k.withBlocks(1600).idealLatencyUs(H100, 20));
    assertEquals(k.idealLatencyUs(H100, 15), p.predictKernelUs(k, 15), 1e-6, "ties go to more TPCs");
    // EWMA: a second sample at 10 TPCs at 1x moves the factor halfway (alpha 0.5)
    p.observe(k, 1600, 10, k.withBlocks(1600).idealLatencyUs(H100, 10));
    assertEquals(1.5 * prior10, p.predictKernelUs(k, 10), 1e-6);
  }

  @Test
  void identityIsNameGridAndBlockShape() {
    LatencyPredictor p = new LatencyPredictor(H100, false, 0.3);
    Kernel a = compute("gemm", 16_000, 50);
    p.observe(a, 1600, 10, 500);
    assertTrue(p.seen(a));
    assertFalse(p.seen(a.withBlocks(8000)), "another grid is another kernel");
    assertFalse(p.seen(compute("gemm2", 16_000, 50)));
  }

  @Test
  void measureColdStartKnowsNothingUntilTheFirstRunThenScalesByWaves() {
    LatencyPredictor p = new LatencyPredictor(H100, false, 0.3);
    Kernel k = compute("gemm", 16_000, 50);
    assertTrue(Double.isNaN(p.predictKernelUs(k, 66)));
    p.observe(k, 16_000, 66, 16 * 55.0); // 16 waves on 66 TPCs (1056 blocks/wave), 55 us each
    assertEquals(16 * 55.0, p.predictKernelUs(k, 66), 1e-9);
    assertEquals(100 * 55.0, p.predictKernelUs(k, 10), 1e-9); // 100 waves of 160 on 10 TPCs
  }

  @Test
  void mapeIsTheMeanAbsolutePercentageError() {
    LatencyPredictor p = new LatencyPredictor(H100, true, 0.3);
    assertTrue(Double.isNaN(p.mapePct()));
    p.recordError(110, 100);
    p.recordError(90, 100);
    p.recordError(Double.NaN, 100); // no prediction: not counted
    p.recordError(50, 200);
    assertEquals((10 + 10 + 75) / 3.0, p.mapePct(), 1e-9);
    assertEquals(3, p.errorSamples());
  }
}
