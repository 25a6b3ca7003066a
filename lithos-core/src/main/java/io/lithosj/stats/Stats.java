package io.lithosj.stats;

import java.util.Arrays;

/**
 * The project's summary statistics: the median of repeated measurements, runs and trace samples,
 * and the mean with its 95% confidence interval over seeds (Student's t).
 */
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

  /** Two-sided 95% Student t critical values t(0.975, df) for df = 1..30 (standard tables). */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};

  /** t(0.975, df); 1.96 (the normal value) beyond the table. */
  public static double t975(int df) {
    if (df < 1) throw new IllegalArgumentException("degrees of freedom must be >= 1, was " + df);
    return df <= T975.length ? T975[df - 1] : 1.96;
  }

  /** A mean over independent runs (seeds) with its 95% interval; {@code n} values, NaN ones left out. */
  public record Interval(double mean, double low, double high, int n) {
  }

  /**
   * Mean of the finite values of {@code v} with the 95% interval mean ± t(0.975, n-1)·s/√n, s the
   * sample standard deviation (the seeds are independent replications). One value: an interval
   * of zero width (n = 1 says so); none: NaN.
   */
  public static Interval meanInterval95(double[] v) {
    double[] x = Arrays.stream(v).filter(Double::isFinite).toArray();
    int n = x.length;
    if (n == 0) return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
    double mean = Arrays.stream(x).average().orElseThrow();
    if (n == 1) return new Interval(mean, mean, mean, 1);
    double ss = 0;
    for (double d : x) ss += (d - mean) * (d - mean);
    double half = t975(n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    return new Interval(mean, mean - half, mean + half, n);
  }
}
