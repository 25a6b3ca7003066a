package io.lithosj.reproduce;

import java.util.List;
import java.util.Locale;

/**
 * One headline claim of the paper beside what this toolkit measured.
 *
 * @param paperValue     the paper's number (on its A100 testbed)
 * @param measuredValue  what this run measured, in the same unit
 * @param detail         the numbers behind it (e.g. the slowdown a saving came with)
 */
public record HeadlineRow(String claim, String unit, double paperValue, double measuredValue, String gpu,
                          String backend, String experiment, String detail) {

  /** Within 25% of the paper's value (the README explains every row where this is false). */
  public boolean withinQuarter() {
    return Double.isFinite(measuredValue) && Math.abs(measuredValue / paperValue - 1) <= 0.25;
  }

  static final String CSV_HEADER = "claim,unit,paperValue,measuredValue,withinQuarter,gpu,backend,experiment,detail";

  String csv() {
    return String.join(",", List.of(q(claim), unit, fmt(paperValue), fmt(measuredValue), Boolean.toString(withinQuarter()),
        gpu, backend, experiment, q(detail)));
  }

  private static String fmt(double v) { return String.format(Locale.ROOT, "%.3g", v); }

  private static String q(String s) { return "\"" + s.replace("\"", "'") + "\""; }
}
