package io.lithosj.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lithosj.backend.cuda.Calibration;
import io.lithosj.backend.DispatchModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The modeled H100 uses what was measured on the real one: the preset equals the committed calibration. */
class H100PresetTest {
  @Test
  void presetMatchesTheCommittedCalibration() {
    PresetChecks.assertMatchesCalibration(GpuSpec.H100_SXM, dir());
  }

  @Test
  void cudaBackendDispatchModelMatchesTheCommittedCalibration() {
    Calibration cal = Calibration.load(dir());
    assertEquals(cal.launchApiUs(), DispatchModel.CUDA_BACKEND_H100.launchCallUs(), 0.001);
    assertEquals(cal.completionSeenUs(), DispatchModel.CUDA_BACKEND_H100.completionSeenUs(), 0.001);
    // calibration.json's completionSeenUs is the difference of two rows of the same run's launch_overhead.csv
    java.util.Map<String, Double> launch = new java.util.HashMap<>();
    try {
      for (String line : Files.readAllLines(dir().resolve("launch_overhead.csv")).subList(1, 8)) {
        String[] f = line.split(",", 3);
        launch.put(f[0], Double.parseDouble(f[1]));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(launch.get("launch_to_completion_seen_median") - launch.get("launch_to_first_block_median"),
        cal.completionSeenUs(), 0.001);
    assertEquals(DispatchModel.CUDA_BACKEND_H100, DispatchModel.forDispatch("cuda-backend", GpuSpec.H100_SXM));
  }

  private static Path dir() { return PresetChecks.calibrationDir("h100-sxm"); }
}
