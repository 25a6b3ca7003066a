package io.lithosj.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
  @Test void medianOfOddAndEvenCountsLeavesItsInputAlone() {
    double[] even = {4, 1, 2, 3};
    assertEquals(2.5, Stats.median(even), 1e-12);
    assertArrayEquals(new double[] {4, 1, 2, 3}, even);
    assertEquals(3, Stats.median(new double[] {5, 3, 1}), 1e-12);
    assertTrue(Double.isNaN(Stats.median(new double[0])));
  }

  @Test void meanIntervalUsesStudentsTOverTheSeeds() {
    // 5 values, mean 3, s = sqrt(2.5); half width = 2.776 * sqrt(2.5) / sqrt(5)
    Stats.Interval i = Stats.meanInterval95(new double[] {1, 2, 3, 4, 5, Double.NaN});
    assertEquals(5, i.n());
    assertEquals(3, i.mean(), 1e-12);
    double half = 2.776 * Math.sqrt(2.5) / Math.sqrt(5);
    assertEquals(3 - half, i.low(), 1e-9);
    assertEquals(3 + half, i.high(), 1e-9);
    Stats.Interval one = Stats.meanInterval95(new double[] {7});
    assertEquals(7, one.low(), 0);
    assertTrue(Double.isNaN(Stats.meanInterval95(new double[0]).mean()));
  }
}
