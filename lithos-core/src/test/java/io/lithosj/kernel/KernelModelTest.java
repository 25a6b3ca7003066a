package io.lithosj.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import org.junit.jupiter.api.Test;

class KernelModelTest {
  static final GpuSpec H100 = GpuSpec.H100_SXM;

  @Test
  void occupancyFollowsTheScarcestResource() {
    WorkProfile w = new WorkProfile(10, 0, 1);
    assertEquals(8, new Kernel("k", 1, 256, 32, 0, w).blocksPerSm(H100));        // threads: 2048/256
    assertEquals(2, new Kernel("k", 1, 256, 128, 0, w).blocksPerSm(H100));       // registers: 65536/(128*256)
    assertEquals(2, new Kernel("k", 1, 128, 32, 100 * 1024, w).blocksPerSm(H100)); // shared memory
    assertEquals(32, new Kernel("k", 1, 32, 16, 0, w).blocksPerSm(H100));        // block slots
  }

  @Test
  void computeBoundScalesAsOneOverTpcs() {
    Kernel k = new Kernel("fma", 66 * 16 * 8, 256, 32, 0, new WorkProfile(100, 0, 1)); // 8 waves on the full GPU
    double full = k.idealLatencyUs(H100, 66);
    assertEquals(800, full, 1e-9);
    assertEquals(2 * full, k.idealLatencyUs(H100, 33), 1e-9);
    assertEquals(66 * full, k.idealLatencyUs(H100, 1), 1e-9);
  }

  @Test
  void memoryBoundSaturatesEarly() {
    // each block streams 1 MB in 10 us of compute: 100 GB/s per block
    Kernel k = new Kernel("copy", 100_000, 256, 32, 0, new WorkProfile(10, 1e6, 0.1));
    double full = k.idealLatencyUs(H100, 66);
    double half = k.idealLatencyUs(H100, 33);
    double bytesAtCeilingUs = 100_000 * 1e6 / (H100.memBandwidthGBps() * 1000);
    assertEquals(bytesAtCeilingUs, full, bytesAtCeilingUs * 0.02);
    assertEquals(full, half, full * 0.02, "half the TPCs already saturate DRAM");
    assertTrue(k.idealLatencyUs(H100, 2) > 5 * full, "few TPCs cannot saturate");
  }

  @Test
  void clockSensitivityStretchesComputeOnly() {
    WorkProfile core = new WorkProfile(100, 0, 1.0);
    WorkProfile mem = new WorkProfile(100, 0, 0.0);
    assertEquals(200, core.blockUsAtClock(0.5), 1e-9);
    assertEquals(100, mem.blockUsAtClock(0.5), 1e-9);
  }

  @Test
  void badKernelsAreRejectedWithTheirName() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Kernel("gemm", 0, 256, 32, 0, new WorkProfile(1, 0, 1)));
    assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("blocks"), e.getMessage());
  }
}
