package io.lithosj.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lithosj.backend.cuda.Calibration;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every calibrated preset must share with its committed calibration (H100PresetTest, H200PresetTest). */
final class PresetChecks {
  private PresetChecks() {}

  /** calibration/{@code id}, from the repository root or from lithos-core (where Maven runs tests). */
  static Path calibrationDir(String id) {
    Path dir = Path.of("calibration", id);
    return Files.exists(dir) ? dir : Path.of("..", "calibration", id);
  }

  /** Bandwidths, launch overhead and power of {@code preset} equal what the calibration in {@code dir} sets. */
  static void assertMatchesCalibration(GpuSpec preset, Path dir) {
    GpuSpec measured = Calibration.calibrated(preset, dir);
    assertEquals(measured.memBandwidthGBps(), preset.memBandwidthGBps(), 0.1);
    assertEquals(measured.smBandwidthGBps(), preset.smBandwidthGBps(), 0.1);
    assertEquals(measured.launchOverheadUs(), preset.launchOverheadUs(), 0.001);
    assertEquals(measured.power().idleW(), preset.power().idleW(), 0.01);
    assertEquals(measured.power().maxW(), preset.power().maxW(), 0.01);
    assertEquals(measured.power().tpcShare(), preset.power().tpcShare(), 0.001);
  }
}
