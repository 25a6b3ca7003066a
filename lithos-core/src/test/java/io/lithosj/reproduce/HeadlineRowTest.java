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
    String[] f = r.csv().split(",");
    assertEquals(HeadlineRow.CSV_HEADER.split(",").length, f.length);
    assertEquals("5", f[6]);
    assertEquals("no", f[8]);
    assertTrue(r.measuredText().contains("["), r.measuredText());
  }
}
