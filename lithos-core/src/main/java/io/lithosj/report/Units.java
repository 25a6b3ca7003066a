package io.lithosj.report;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Number formatting by unit, for tables people read. The unit comes from the column name's suffix,
 * the project's naming convention ({@code p99Ms}, {@code throughputPerSec}, {@code energyJ}):
 * <ul>
 *   <li>{@code ...Ms}, {@code ...Us}, {@code ...PerSec}, {@code ...J}, {@code ...W} and ratios: 3 significant digits;</li>
 *   <li>shares in [0, 1] ({@code sloAttainment}, {@code ...Utilization}, {@code ...Share}): a percent with 3 significant digits;</li>
 *   <li>whole counts: as they are.</li>
 * </ul>
 * NaN (no value: no SLO, no finished request) is shown as {@code -}.
 */
public final class Units {
  private Units() {}

  /** {@code v} to 3 significant digits, plainly written ({@code 2670}, {@code 2.82}, {@code 0.000123}). */
  public static String sig3(double v) {
    if (Double.isNaN(v)) return "-";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) return "0";
    BigDecimal d = new BigDecimal(v).round(new MathContext(3));
    // 1.23e+08 would print 123000000: readable enough for the magnitudes here, and never scientific
    return d.stripTrailingZeros().scale() < 0 ? d.setScale(0).toPlainString() : d.stripTrailingZeros().toPlainString();
  }

  /** A share in [0, 1] as a percent with 3 significant digits: {@code 0.9325 -> 93.3%}. */
  public static String percent(double share) {
    return Double.isNaN(share) ? "-" : sig3(share * 100) + "%";
  }

  /** A ratio: {@code 1.41x}. */
  public static String ratio(double r) {
    return Double.isNaN(r) ? "-" : sig3(r) + "x";
  }

  /** Whether a column of this name holds a share shown as a percent. */
  public static boolean isShare(String column) {
    return column.equals("sloAttainment") || column.endsWith("Utilization") || column.endsWith("Share");
  }

  /** Whether a column of this name holds a ratio shown with an {@code x}. */
  public static boolean isRatio(String column) {
    return column.contains("Over") || column.startsWith("normalized");
  }

  /** A value formatted by its column's unit (the suffix rules above). */
  public static String format(String column, double v) {
    if (isShare(column)) return percent(v);
    if (isRatio(column)) return ratio(v);
    return sig3(v);
  }

  /**
   * The column header with its unit spelled for a reader: {@code p99Ms -> p99 ms},
   * {@code throughputPerSec -> throughput /s}, {@code sloAttainment -> sloAttainment %}.
   */
  public static String header(String column) {
    if (isShare(column)) return column + " %";
    for (String[] s : new String[][] {{"PerSec", " /s"}, {"Ms", " ms"}, {"Us", " us"}, {"J", " J"}, {"W", " W"}}) {
      if (column.endsWith(s[0]) && column.length() > s[0].length()) {
        return column.substring(0, column.length() - s[0].length()) + s[1];
      }
    }
    return column;
  }
}
