package io.lithosj.backend.cuda;

/**
 * The right-sizer's latency model {@code latency(n) = m/n + b} fitted to measured latencies on
 * {@code n} TPCs: by least squares on relative error (each point weighted by 1/latency²), and
 * the paper's two-point fit through the smallest and largest n. Errors are relative, over all points.
 */
public record ScalingFit(double m, double b, double maxRelErr, double rmsRelErr,
                         double twoPointM, double twoPointB, double twoPointMaxRelErr) {

  public double predict(double n) { return m / n + b; }

  public static ScalingFit fit(int[] tpcs, double[] latency) {
    if (tpcs.length != latency.length || tpcs.length < 2) throw new IllegalArgumentException("need >= 2 (tpcs, latency) points");
    // Weighted least squares of y = m x + b with x = 1/n, weights 1/y^2.
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < tpcs.length; i++) {
      double x = 1.0 / tpcs[i], y = latency[i], w = 1.0 / (y * y);
      sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y;
    }
    double det = sw * sxx - sx * sx;
    double m = (sw * sxy - sx * sy) / det;
    double b = (sy - m * sx) / sw;
    int lo = 0, hi = 0;
    for (int i = 1; i < tpcs.length; i++) {
      if (tpcs[i] < tpcs[lo]) lo = i;
      if (tpcs[i] > tpcs[hi]) hi = i;
    }
    double x1 = 1.0 / tpcs[lo], x2 = 1.0 / tpcs[hi];
    double m2 = (latency[lo] - latency[hi]) / (x1 - x2);
    double b2 = latency[hi] - m2 * x2;
    double max = 0, sq = 0, max2 = 0;
    for (int i = 0; i < tpcs.length; i++) {
      double e = Math.abs((m / tpcs[i] + b) - latency[i]) / latency[i];
      double e2 = Math.abs((m2 / tpcs[i] + b2) - latency[i]) / latency[i];
      max = Math.max(max, e);
      sq += e * e;
      max2 = Math.max(max2, e2);
    }
    return new ScalingFit(m, b, max, Math.sqrt(sq / tpcs.length), m2, b2, max2);
  }
}
