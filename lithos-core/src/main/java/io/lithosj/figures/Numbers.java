package io.lithosj.figures;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers as figure text: significant digits without trailing zeros or exponents ("0.003", "15", "1.2e+04" never). */
final class Numbers {
  private Numbers() {}

  static String sig(double v, int digits) {
    if (Double.isNaN(v)) return "no value";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (Math.abs(v) < 1e-9) return "0"; // rounding noise of a difference (a slowdown of 2.5e-11 %), not a value
    return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }
}
