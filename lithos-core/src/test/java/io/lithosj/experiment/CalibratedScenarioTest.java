package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.backend.cuda.Calibration;
import io.lithosj.cli.LithosCli;
import io.lithosj.gpu.GpuSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 16 item 5: a scenario run on a GPU the user calibrated ({@code calibration}, {@code lithos run --calibration DIR}). */
class CalibratedScenarioTest {
  @TempDir Path dir;

  private static Path committed(String id) {
    Path p = Path.of("calibration", id);
    return Files.exists(p) ? p : Path.of("..", "calibration", id);
  }

  /** The committed H200 calibration with half its bandwidth and another power envelope, in {@code dir/cal}. */
  private Path slowerH200() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode n = (ObjectNode) json.readTree(committed("h200").resolve(Calibration.FILE).toFile());
    n.put("memBandwidthGBps", n.get("memBandwidthGBps").asDouble() / 2);
    ((ObjectNode) n.get("power")).put("maxW", 650.0);
    Path cal = Files.createDirectories(dir.resolve("cal"));
    json.writeValue(cal.resolve(Calibration.FILE).toFile(), n);
    return cal;
  }

  private static Scenario shortDemo() {
    return Scenarios.stackingDemo().withGpu("h200").withDurationMs(60, 10);
  }

  @Test
  void theModeledGpuTakesTheCalibrationsMeasurements() throws Exception {
    Path cal = slowerH200();
    Scenario s = shortDemo().withCalibration(cal.toString());
    GpuSpec g = s.gpuSpec();
    assertEquals(GpuSpec.H200.memBandwidthGBps() / 2, g.memBandwidthGBps(), 1.0);
    assertEquals(650.0, g.power().maxW());
    RunResult preset = Runner.run(shortDemo());
    RunResult calibrated = Runner.run(s);
    assertNotEquals(preset.energyJ(), calibrated.energyJ(), "another power envelope, another energy");
    assertEquals(preset.tenants().size(), calibrated.tenants().size());
  }

  @Test
  void aCalibrationOfAnotherGpuIsRefusedByName() {
    Scenario s = Scenarios.stackingDemo().withCalibration(committed("h200").toString()); // the demo is an H100 scenario
    ScenarioException e = assertThrows(ScenarioException.class, s::tenantSpecs);
    assertEquals("calibration", e.field());
    assertTrue(e.getMessage().contains("was measured on h200") && e.getMessage().contains("the scenario's GPU is h100-sxm"), e.getMessage());
  }

  @Test
  void movingToAnotherGpuDropsTheCalibration() {
    Scenario s = shortDemo().withCalibration(committed("h200").toString());
    assertEquals(s.calibration(), s.withGpu("h200").calibration());
    assertNull(s.withGpu("h100-sxm").calibration());
  }

  @Test
  void aCalibrationInAFileIsRelativeToTheFileAndChecked() throws Exception {
    Path cal = slowerH200();
    ObjectNode n = (ObjectNode) new ObjectMapper().readTree(ScenarioLoader.toJson(shortDemo()));
    n.put("calibration", "cal");
    Path f = Files.writeString(dir.resolve("s.json"), n.toString());
    assertEquals(cal.toAbsolutePath().normalize().toString(), ScenarioLoader.load(f).calibration());
    Files.writeString(cal.resolve(Calibration.FILE), Files.readString(cal.resolve(Calibration.FILE)).replace("\"idleW\"", "\"idleWatts\""));
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f));
    assertTrue(e.getMessage().startsWith("calibration: " + cal.toAbsolutePath().normalize().resolve(Calibration.FILE)
        + ": power.idleWatts: unknown field 'idleWatts'"), e.getMessage());
  }

  @Test
  void cliCalibrationOptionRunsAndABadOneIsOneLine() throws Exception {
    Path cal = slowerH200();
    Path f = Files.writeString(dir.resolve("demo.json"), ScenarioLoader.toJson(shortDemo()));
    StringWriter err = new StringWriter();
    CommandLine cl = LithosCli.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("run", f.toString(), "-q", "-o", dir.resolve("out").toString(), "--calibration", cal.toString());
    assertEquals(0, code, err.toString());
    assertTrue(Files.exists(dir.resolve("out/stacking-demo-" + shortDemo().policyName() + ".csv")));

    ObjectNode n = (ObjectNode) new ObjectMapper().readTree(cal.resolve(Calibration.FILE).toFile());
    n.put("perTpcBandwidthGBps", -1);
    new ObjectMapper().writeValue(cal.resolve(Calibration.FILE).toFile(), n);
    err = new StringWriter();
    cl = LithosCli.commandLine();
    cl.setErr(new PrintWriter(err));
    code = cl.execute("run", f.toString(), "-q", "-o", dir.resolve("out").toString(), "--calibration", cal.toString());
    assertEquals(2, code);
    assertTrue(err.toString().startsWith("lithos: calibration: ") && err.toString().contains(": perTpcBandwidthGBps: must be > 0"),
        err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
  }
}
