package io.lithosj.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lithosj.backend.cuda.Calibration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The modeled H100 uses what was measured on the real one: the preset equals the committed calibration. */
class H100PresetTest {
  @Test
  void presetMatchesTheCommittedCalibration() {
    Path dir = Path.of("calibration/h100-sxm");
    if (!Files.exists(dir)) dir = Path.of("../calibration/h100-sxm");
    GpuSpec preset = GpuSpec.H100_SXM;
    GpuSpec measured = Calibration.calibrated(preset, dir);
    assertEquals(measured.memBandwidthGBps(), preset.memBandwidthGBps(), 0.1);
    assertEquals(measured.smBandwidthGBps(), preset.smBandwidthGBps(), 0.1);
    assertEquals(measured.launchOverheadUs(), preset.launchOverheadUs(), 0.001);
    assertEquals(measured.power().idleW(), preset.power().idleW(), 0.01);
    assertEquals(measured.power().maxW(), preset.power().maxW(), 0.01);
    assertEquals(measured.power().tpcShare(), preset.power().tpcShare(), 0.001);
  }
}
