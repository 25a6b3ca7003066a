package io.lithosj.reproduce;

import io.lithosj.output.Csv;
import io.lithosj.stats.Stats;
import java.util.List;
import java.util.Locale;

/**
 * One headline claim of the paper beside what this toolkit measured: the mean over seeds with its
 * 95% interval (Student's t over the seeds, {@link Stats#meanInterval95}).
 *
 * <p><b>"Within 25%"</b> is judged on the interval, not the mean: {@code yes} when the whole
 * interval lies within ±25% of the paper's value, {@code no} when none of it does, {@code partly}
 * when it straddles a bound. A value marked {@code lowerBound} (a ratio whose numerator is the
 * lower bound of an unstable queue's p99) is judged the same way and shown with "≥".
 *
 * @param paperValue     the paper's number (on its A100 testbed; SOSP '25 version)
 * @param measuredValue  mean over {@code seeds} seeds, in the same unit
 * @param low            lower end of the 95% interval
 * @param high           upper end of the 95% interval
 * @param seeds          how many seeds (independent runs) the value comes from
 * @param lowerBound     the measured value is a lower bound (an unstable queue is in it)
 * @param detail         the numbers behind it (e.g. the slowdown a saving came with)
 * @param note           other versions of the claim, scaling done, caveats
 */
public record HeadlineRow(String claim, String unit, double paperValue, double measuredValue, double low, double high,
                          int seeds, boolean lowerBound, String gpu, String backend, String experiment, String detail,
                          String note) {

  static HeadlineRow of(String claim, String unit, double paper, Stats.Interval v, boolean lowerBound, String gpu,
                        String experiment, String detail, String note) {
    return new HeadlineRow(claim, unit, paper, v.mean(), v.low(), v.high(), v.n(), lowerBound, gpu, "sim", experiment,
        detail, note);
  }

  /** yes / partly / no: the interval against ±25% of the paper's value (see the class comment). */
  public String within25() {
    if (!Double.isFinite(low) || !Double.isFinite(high)) return "no";
    double lo = 0.75 * paperValue;
    double hi = 1.25 * paperValue;
    if (low >= lo && high <= hi) return "yes";
    if (high < lo || low > hi) return "no";
    return "partly";
  }

  /** True only when the whole interval is within 25% of the paper's value. */
  public boolean withinQuarter() { return "yes".equals(within25()); }

  static final String CSV_HEADER =
      "claim,unit,paperValue,measuredValue,low95,high95,seeds,lowerBound,within25,gpu,backend,experiment,detail,note";

  /** One CSV line (RFC 4180 through {@link Csv}: a field is quoted only when it holds , " or a line break). */
  String csv() {
    String line = Csv.row(claim, unit, fmt(paperValue), fmt(measuredValue), fmt(low), fmt(high), Integer.toString(seeds),
        Boolean.toString(lowerBound), within25(), gpu, backend, experiment, detail, note);
    return line.substring(0, line.length() - 1); // without its LF: the caller joins the lines
  }

  /** "4.2x [3.1, 5.0]" or "≥ 4.2x [...]". */
  public String measuredText() {
    String v = String.format(Locale.ROOT, "%s%.3g%s", lowerBound ? "≥ " : "", measuredValue, unit);
    return seeds > 1 ? v + String.format(Locale.ROOT, " [%.3g, %.3g]", low, high) : v;
  }

  private static String fmt(double v) { return String.format(Locale.ROOT, "%.4g", v); }

}
