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
}
