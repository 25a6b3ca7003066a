package io.lithosj.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.backend.DispatchModel;
import io.lithosj.backend.cuda.Calibration;
import io.lithosj.experiment.Scenario;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The modeled H200 uses what was measured on the real one: the preset equals the committed calibration. */
class H200PresetTest {
  @Test
  void presetMatchesTheCommittedCalibration() {
    Calibration cal = Calibration.load(dir());
    assertEquals("h200", cal.gpuId());
    PresetChecks.assertMatchesCalibration(GpuSpec.H200, dir());
    assertEquals(GpuSpec.H200.smCount(), cal.smCount());
  }

  @Test
  void sameProcessorAsTheH100WithMoreBandwidth() {
    GpuSpec h100 = GpuSpec.H100_SXM, h200 = GpuSpec.H200;
    assertEquals(h100.smCount(), h200.smCount());
    assertEquals(h100.smLimits(), h200.smLimits());
    assertEquals(h100.computeScale(), h200.computeScale());
    double ratio = h200.memBandwidthGBps() / h100.memBandwidthGBps();
    assertTrue(ratio > 1.25 && ratio < 1.45, "H200/H100 streaming bandwidth " + ratio); // datasheets: 4.8 / 3.35 TB/s
  }

  @Test
  void cudaBackendDispatchModelMatchesTheCommittedCalibration() {
    Calibration cal = Calibration.load(dir());
    assertEquals(cal.launchApiUs(), DispatchModel.CUDA_BACKEND_H200.launchCallUs(), 0.001);
    assertEquals(cal.completionSeenUs(), DispatchModel.CUDA_BACKEND_H200.completionSeenUs(), 0.001);
    assertEquals(DispatchModel.CUDA_BACKEND_H200, DispatchModel.forDispatch("cuda-backend", GpuSpec.H200));
  }

  @Test
  void scenariosAndTheCliNameIt() {
    assertEquals(GpuSpec.H200, GpuSpec.byId("h200"));
    assertEquals(GpuSpec.H200, GpuSpec.byId("H200"));
    Scenario s = new Scenario("x", "h200", null, null, null, null, null, null);
    assertEquals(GpuSpec.H200, s.gpuSpec());
    assertEquals(GpuSpec.H200.id(), new Scenario("x", "h100-sxm", null, null, null, null, null, null).withGpu("h200").gpuSpec().id());
  }

  private static Path dir() { return PresetChecks.calibrationDir("h200"); }
}
