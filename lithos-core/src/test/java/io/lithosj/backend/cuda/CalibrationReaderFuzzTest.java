package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Malformed and extreme calibration files (issue 16 item 9, calibration loader; the scenario
 * loader's is {@code ScenarioLoaderFuzzTest}): the committed H200 calibration with one value
 * replaced by a hostile one, or with its text cut or spliced. Reading either fails with a
 * {@link CalibrationException} that names a field path or a line, or gives a calibration whose
 * GPU model is usable (finite, positive bandwidth; idle power at most the maximum), within a second.
 */
class CalibrationReaderFuzzTest {
  private static final String H200 = HostileCalibrationTest.h200Text();
  /** The file's scalar values after a key: a number, a quoted string, or a literal. */
  private static final Pattern VALUE = Pattern.compile("(\"[A-Za-z0-9]+\" : )(\"[^\"]*\"|-?[0-9.eE+-]+|true|false|null)");
  private static final int VALUES = (int) VALUE.matcher(H200).results().count();
  /** Messages about the file as a whole that need no position. */
  private static final List<String> FILE_LEVEL = List.of("empty calibration");

  @Provide
  Arbitrary<String> hostileValues() {
    return Arbitraries.of("null", "-1", "0", "1e308", "-1e308", "1e999", "66.5", "2e9", "99999999999999999999", "\"x\"",
        "\"\"", "[]", "{}", "[null]", "true", "NaN", "\"\\u0000\"", "1e-320", "{\"a\": null}", "-0");
  }

  @Property(tries = 400)
  void oneHostileValue(@ForAll @IntRange(min = 0, max = 10_000) int which, @ForAll("hostileValues") String value) {
    Matcher m = VALUE.matcher(H200);
    for (int i = 0; i <= which % VALUES; i++) m.find();
    check(H200.substring(0, m.start(2)) + value + H200.substring(m.end(2)));
  }

  @Property(tries = 300)
  void cutOrSpliced(@ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll @IntRange(min = 0, max = 40) int cut,
                    @ForAll("junk") String insert) {
    int from = at % H200.length();
    check(H200.substring(0, from) + insert + H200.substring(Math.min(H200.length(), from + cut)));
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings().withChars("{}[],:\"'-.0123456789eE \n\tnul").ofMaxLength(8);
  }

  private static void check(String text) {
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      Calibration c;
      try {
        c = CalibrationReader.parse(text, "cal.json");
      } catch (CalibrationException e) {
        String f = e.field();
        boolean named = f != null && !f.isEmpty()
            && (!f.equals("file") || e.getMessage().contains("(line ") || FILE_LEVEL.stream().anyMatch(e.getMessage()::contains));
        assertTrue(named, "names a path or a position: " + e.getMessage() + "\n--- input:\n" + text);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return;
      }
      if (c.tpcCount() != GpuSpec.H200.tpcCount()) return; // apply() refuses it by name (CalibrationTest)
      GpuSpec g = c.apply(GpuSpec.H200);
      assertTrue(g.memBandwidthGBps() > 0 && Double.isFinite(g.memBandwidthGBps()), "bandwidth " + g.memBandwidthGBps());
      assertTrue(g.smBandwidthGBps() > 0 && Double.isFinite(g.smBandwidthGBps()), "per-SM bandwidth " + g.smBandwidthGBps());
      assertTrue(g.launchOverheadUs() >= 0 && Double.isFinite(g.launchOverheadUs()), "launch " + g.launchOverheadUs());
      assertTrue(g.power().idleW() <= g.power().maxW(), "power " + g.power());
    });
  }
}
