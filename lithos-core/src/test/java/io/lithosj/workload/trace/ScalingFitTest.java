package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ScalingFitTest {
  static final GpuSpec H100 = GpuSpec.H100_SXM;
  static final int[] TPCS = {64, 48, 32, 16, 8, 4};

  static double[] latencies(Kernel k) {
    double[] y = new double[TPCS.length];
    for (int i = 0; i < y.length; i++) y[i] = k.idealLatencyUs(H100, TPCS[i]);
    return y;
  }

  static Kernel shape(int blocks) { return new Kernel("k", blocks, 256, 64, 0, new WorkProfile(1, 0, 1)); }

  @Test
  void computeBoundKernelIsRecovered() {
    Kernel truth = new Kernel("gemm", 4096, 256, 64, 0, new WorkProfile(12.0, 1000, 1));
    double full = truth.idealLatencyUs(H100, 66);
    ScalingFit.Result r = ScalingFit.fit(H100, shape(4096), full, TPCS, latencies(truth));
    assertEquals(1.0, r.computeShare(), 1e-9);
    assertEquals(1.0, r.work().clockSensitivity(), 0.01);
    assertTrue(r.rmsLogError() < 1e-6, "exact data, exact fit: " + r.rmsLogError());
    assertEquals(12.0, r.work().blockComputeUs(), 1e-6);
  }

  @Test
  void memoryBoundKernelSaturatesAndIsClockInsensitive() {
    // 1 MB per block at 1 µs per block: far above the bandwidth ceiling on many TPCs
    Kernel truth = new Kernel("copy", 8192, 256, 32, 0, new WorkProfile(1.0, 1 << 20, 0));
    double full = truth.idealLatencyUs(H100, 66);
    ScalingFit.Result r = ScalingFit.fit(H100, shape(8192).withBlocks(8192), full, TPCS, latencies(truth));
    Kernel fitted = ScalingFit.fitted(shape(8192), r);
    assertEquals(full, fitted.idealLatencyUs(H100, 66), 1e-9 * full);
    for (int i = 0; i < TPCS.length; i++) {
      assertEquals(truth.idealLatencyUs(H100, TPCS[i]), fitted.idealLatencyUs(H100, TPCS[i]), 1e-6 * full);
    }
    assertEquals(1.0, r.memoryShare(), 1e-9);
    assertTrue(r.work().clockSensitivity() < 0.2, "memory-bound: " + r.work().clockSensitivity());
    assertEquals(full, fitted.idealLatencyUs(H100, 33), 0.02 * full, "half the GPU costs nothing");
  }

  @Test
  void measuredBytesBelowTheLatencyLeaveComputeInCharge() {
    // a GEMM-like kernel whose scaling flattens (as real ones do) but that moves little DRAM traffic
    Kernel k = shape(264);
    double full = 100, bytes = 264 * 50_000.0;
    double[] flat = {140, 150, 170, 260, 480, 900};
    ScalingFit.Result r = ScalingFit.withMeasuredBytes(H100, k, full, bytes, TPCS, flat);
    Kernel fitted = ScalingFit.fitted(k, r);
    assertEquals(1.0, r.computeShare(), 0);
    assertTrue(r.memoryShare() > 0 && r.memoryShare() < 1, "b = " + r.memoryShare());
    assertEquals(50_000.0, r.work().blockDramBytes(), 1e-6, "the measured bytes, per block");
    assertEquals(full, fitted.idealLatencyUs(H100, H100.tpcCount()), 1e-9 * full);
    assertEquals(TPCS.length, r.points());
    assertTrue(r.rmsLogError() > 0, "the error at the measured points is reported, not hidden");
    // the scaling-only fit reads the same flattening as bandwidth: far more bytes than measured
    assertTrue(ScalingFit.fit(H100, k, full, TPCS, flat).work().blockDramBytes() > 10 * 50_000.0);
  }

  @Test
  void measuredBytesAboveTheModelsBandwidthAreCappedAtTheLatency() {
    Kernel truth = new Kernel("copy", 8192, 256, 32, 0, new WorkProfile(1.0, 1 << 20, 0));
    double full = truth.idealLatencyUs(H100, 66);
    ScalingFit.Result r = ScalingFit.withMeasuredBytes(H100, shape(8192), full, 3.0 * 8192 * (1 << 20),
        TPCS, latencies(truth));
    Kernel fitted = ScalingFit.fitted(shape(8192), r);
    assertEquals(1.0, r.memoryShare(), 0);
    assertEquals(full, fitted.idealLatencyUs(H100, 66), 1e-9 * full);
    assertEquals(truth.idealLatencyUs(H100, 8), fitted.idealLatencyUs(H100, 8), 0.02 * truth.idealLatencyUs(H100, 8));
    ScalingFit.Result none = ScalingFit.withMeasuredBytes(H100, shape(8192), full, 3.0 * 8192 * (1 << 20),
        new int[0], new double[0]);
    assertEquals(1.0, none.computeShare(), 0, "no points: both terms carry the latency");
    assertThrows(IllegalArgumentException.class, () -> ScalingFit.withMeasuredBytes(H100, shape(8), full, -1,
        new int[0], new double[0]));
  }

  @Property(tries = 100)
  void fitReproducesAnyModeledKernel(@ForAll @IntRange(min = 1, max = 20000) int blocks,
                                     @ForAll @DoubleRange(min = 0.5, max = 50) double blockUs,
                                     @ForAll @DoubleRange(min = 0, max = 4e6) double bytes) {
    Kernel truth = new Kernel("k", blocks, 256, 64, 0, new WorkProfile(blockUs, bytes, 0.5));
    double full = truth.idealLatencyUs(H100, 66);
    ScalingFit.Result r = ScalingFit.fit(H100, shape(blocks), full, TPCS, latencies(truth));
    Kernel fitted = ScalingFit.fitted(shape(blocks), r);
    assertEquals(full, fitted.idealLatencyUs(H100, 66), 1e-9 * full, "the whole-GPU latency is kept exactly");
    assertTrue(r.rmsLogError() < 0.01, "data from the model itself is fitted: rms " + r.rmsLogError());
  }

  @Test
  void noPointsMeansComputeBoundAndNoisyPointsAreLeastSquares() {
    ScalingFit.Result none = ScalingFit.fit(H100, shape(1000), 50, new int[0], new double[0]);
    assertEquals(1.0, none.computeShare());
    assertEquals(0.0, none.memoryShare());
    assertEquals(0, none.points());
    // a flat kernel measured with noise: with 32 blocks (one wave even on 4 TPCs) the compute side
    // is flat, and only the noise is left
    double[] flat = {51, 49, 50, 52, 50, 53};
    ScalingFit.Result small = ScalingFit.fit(H100, shape(32), 50, TPCS, flat);
    assertEquals(1.0, small.computeShare(), 1e-9);
    assertTrue(small.rmsLogError() < 0.03, "rms " + small.rmsLogError());
    // with 1000 blocks neither side is flat (the DRAM side slows once few SMs cannot draw the
    // bandwidth): the least wrong is DRAM-bound, and the error shows the model's limit
    ScalingFit.Result many = ScalingFit.fit(H100, shape(1000), 50, TPCS, flat);
    assertEquals(1.0, many.memoryShare(), 1e-9);
    assertTrue(many.rmsLogError() > 10 * small.rmsLogError(), "rms " + many.rmsLogError());
  }

  @Test
  void badInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(H100, shape(10), 0, TPCS, new double[6]));
    assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(H100, shape(10), 5, TPCS, new double[2]));
    assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(H100, shape(10), 5, new int[] {67}, new double[] {5}));
    assertThrows(IllegalArgumentException.class, () -> ScalingFit.withShares(H100, shape(10), 5, 0, 0));
  }
}
