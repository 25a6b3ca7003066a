package io.lithosj.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.stats.Stats;
import org.junit.jupiter.api.Test;

/** "Within 25%" is judged on the 95% interval, not on the mean alone. */
class HeadlineRowTest {
  private static HeadlineRow row(double paper, double... seeds) {
    return HeadlineRow.of("claim", "x", paper, Stats.meanInterval95(seeds), false, "a100-40gb", "exp", "", "");
  }

  @Test
  void theWholeIntervalInsideIsYesOutsideIsNoAcrossIsPartly() {
    assertEquals("yes", row(4.0, 3.9, 4.0, 4.1, 4.0, 4.05).within25());
    assertEquals("no", row(4.0, 1.0, 1.1, 0.9, 1.0, 1.05).within25());
    // mean 4.0 (inside) but seeds spread far: the interval reaches past both bounds
    HeadlineRow wide = row(4.0, 1.0, 7.0, 2.0, 6.0, 4.0);
    assertEquals(4.0, wide.measuredValue(), 1e-12);
    assertEquals("partly", wide.within25());
    assertFalse(wide.withinQuarter());
    assertTrue(row(4.0, 4.0).withinQuarter(), "one seed: an interval of zero width");
  }

  @Test
  void csvCarriesTheIntervalSeedsAndVerdict() {
    HeadlineRow r = row(13.0, 2.0, 2.2, 1.8, 2.1, 1.9);
    String[] f = fields(r.csv());
    assertEquals(HeadlineRow.CSV_HEADER.split(",").length, f.length);
    assertEquals("5", f[6]);
    assertEquals("no", f[8]);
    assertTrue(r.measuredText().contains("["), r.measuredText());
  }

  @Test
  void aDetailWithCommasAndQuotesComesBackAsWritten() {
    String detail = "best other by tail = tgs at 3.55 ms, \"unstable\" in 0 of 30 runs";
    HeadlineRow r = new HeadlineRow("a, b", "x", 1, 1, 1, 1, 1, false, "h200", "sim", "exp", detail, "note");
    String[] f = fields(r.csv());
    assertEquals("a, b", f[0]);
    assertEquals(detail, f[12], "quoted as RFC 4180, nothing replaced");
  }

  private static String[] fields(String line) {
    var recs = io.lithosj.output.Csv.parse(new java.io.StringReader(HeadlineRow.CSV_HEADER + "\n" + line + "\n"));
    return recs.get(1).fields();
  }
}
