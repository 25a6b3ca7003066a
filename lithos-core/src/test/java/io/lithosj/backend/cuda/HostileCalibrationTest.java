package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16 item 5: calibration files read as strictly as scenarios. Each case is the committed H200
 * calibration with one thing broken; the error names the field (or the file and a position).
 */
class HostileCalibrationTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** calibration/{@code id}, from the repository root or from lithos-core (where Maven runs tests). */
  static Path committed(String id) {
    Path dir = Path.of("calibration", id);
    return Files.exists(dir) ? dir : Path.of("..", "calibration", id);
  }

  static String h200Text() {
    try {
      return Files.readString(committed("h200").resolve(Calibration.FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The H200 calibration with {@code edit} applied to its JSON tree. */
  static String edited(Consumer<ObjectNode> edit) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(h200Text());
      edit.accept(n);
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String error(String text) {
    CalibrationException e = assertThrows(CalibrationException.class, () -> CalibrationReader.parse(text, "cal.json"));
    assertTrue(e.getMessage().startsWith("cal.json: "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h100-sxm", "h200"})
  void committedCalibrationsLoad(String id) {
    Calibration c = Calibration.load(committed(id));
    assertEquals(id, c.gpuId());
  }

  @Test
  void misspeltFieldIsNamedNotAZeroGbpsGpu() {
    String m = error(edited(n -> n.set("memBandwidthGbps", n.remove("memBandwidthGBps"))));
    assertTrue(m.startsWith("cal.json: memBandwidthGbps: unknown field 'memBandwidthGbps' (known: "), m);
  }

  @Test
  void missingMeasurementIsNamed() {
    assertEquals("cal.json: launchOverheadUs: missing; a calibration must give it (lithos calibrate writes it)",
        error(edited(n -> n.remove("launchOverheadUs"))));
  }

  @Test
  void negativeBandwidthIsRefused() {
    String m = error(edited(n -> n.put("memBandwidthGBps", -3900)));
    assertTrue(m.startsWith("cal.json: memBandwidthGBps: must be > 0"), m);
  }

  @Test
  void idlePowerAboveMaxIsRefused() {
    String m = error(edited(n -> ((ObjectNode) n.get("power")).put("idleW", 600)));
    assertTrue(m.startsWith("cal.json: power.idleW: idle power 600 W above power.maxW"), m);
  }

  @Test
  void sharesOutsideZeroToOneAreRefused() {
    String m = error(edited(n -> ((ObjectNode) n.get("power")).put("tpcShare", 1.5)));
    assertTrue(m.startsWith("cal.json: power.tpcShare: must be 0..1"), m);
    m = error(edited(n -> ((ObjectNode) n.get("power")).put("tpcShare", 0.5)));
    assertTrue(m.startsWith("cal.json: power.dramShare: power.tpcShare + power.dramShare must be 1"), m);
  }

  @Test
  void oneTpcCannotOutpullTheGpu() {
    String m = error(edited(n -> n.put("perTpcBandwidthGBps", 5000)));
    assertTrue(m.startsWith("cal.json: perTpcBandwidthGBps: one TPC cannot pull more than the whole GPU"), m);
  }

  @Test
  void smCountMustBeWholeSmsPerTpc() {
    String m = error(edited(n -> n.put("smCount", 131)));
    assertTrue(m.startsWith("cal.json: smCount: must be a whole number of SMs per TPC"), m);
  }

  @Test
  void nullsAreNamedByPath() {
    assertEquals("cal.json: file: empty calibration (want a JSON object, was NULL)", error("null"));
    assertTrue(error(edited(n -> ((ObjectNode) n.get("power")).putNull("idleW"))).startsWith("cal.json: power.idleW: "));
    assertEquals("cal.json: kernels[0]: null entry", error(edited(n -> n.withArray("kernels").insertNull(0))));
    assertEquals("cal.json: replay.shapes[1]: null entry",
        error(edited(n -> ((ObjectNode) n.get("replay")).withArray("shapes").insertNull(1))));
    assertEquals("cal.json: gpuId: missing; a calibration must give it (lithos calibrate writes it)",
        error(edited(n -> n.putNull("gpuId"))));
  }

  @Test
  void nonFiniteNumberIsNamed() {
    String m = error(h200Text().replaceFirst("\"atomFixedUs\" : [0-9.]+", "\"atomFixedUs\" : 1e999"));
    assertEquals("cal.json: atomFixedUs: not a finite number: Infinity", m);
  }

  @Test
  void strictSyntax() {
    String dup = h200Text().replaceFirst("\"smCount\" : 132,", "\"smCount\" : 132, \"smCount\" : 264,");
    assertTrue(error(dup).matches("cal\\.json: file: Duplicate field 'smCount' \\(line \\d+, column \\d+\\)"), error(dup));
    assertTrue(error(h200Text() + " {}").startsWith("cal.json: file: content after the calibration object (line "));
    String m = error(h200Text().replaceFirst("\"tpcCount\" : 66", "\"tpcCount\" : 66.5"));
    assertTrue(m.startsWith("cal.json: tpcCount: Cannot coerce Floating-point value (66.5)"), m);
    assertTrue(error("{\"gpuId\": ").startsWith("cal.json: file: malformed JSON (line 1"), error("{\"gpuId\": "));
  }

  @Test
  void replayRecordsOwnCheckKeepsItsMessage() {
    String m = error(edited(n -> ((ObjectNode) n.get("replay")).put("fmaNsPerThreadIter", -1)));
    assertTrue(m.startsWith("cal.json: replay: fmaNsPerThreadIter must be > 0, was -1.0"), m);
  }

  @Test
  void fileProblemsNameTheFile(@TempDir Path dir) throws IOException {
    var e = assertThrows(CalibrationException.class, () -> Calibration.load(dir));
    assertEquals(dir + ": file: no calibration.json in this folder", e.getMessage());
    Files.createDirectory(dir.resolve(Calibration.FILE));
    e = assertThrows(CalibrationException.class, () -> Calibration.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(Calibration.FILE) + ": file: cannot read: "), e.getMessage());
  }
}
