package io.lithosj.stats;

import java.util.Arrays;

/** The one median the project uses: of repeated measurements, runs and trace samples. */
public final class Stats {
  private Stats() {}

  /** Median of {@code v} (the mean of the middle two for an even count); NaN when empty. {@code v} is not changed. */
  public static double median(double[] v) {
    if (v.length == 0) return Double.NaN;
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
