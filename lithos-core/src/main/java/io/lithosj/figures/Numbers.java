package io.lithosj.figures;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers as figure text: significant digits without trailing zeros or exponents ("0.003", "15", "1.2e+04" never). */
final class Numbers {
  private Numbers() {}

  static String sig(double v, int digits) {
    if (Double.isNaN(v)) return "no value";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) return "0";
    return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }
}
