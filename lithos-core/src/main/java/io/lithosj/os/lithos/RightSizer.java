package io.lithosj.os.lithos;

import java.util.function.IntToDoubleFunction;

/**
 * Hardware right-sizing (the paper's model): a kernel's latency on {@code n} TPCs is
 * {@code m/n + b}, fitted from two points, on 1 TPC and on all TPCs. Given a slip {@code k}, the
 * kernel gets the fewest TPCs whose latency is within {@code (1+k)} of its full-GPU latency; the
 * rest of its TPCs are freed for other tenants.
 *
 * <p>The fit is smooth while real grids run in whole waves, so its answer can land just past a
 * wave boundary (e.g. 132 one-block-per-SM blocks need two waves on 64 TPCs but one on 66). Our
 * choice: the fitted count is the starting point and is raised until the caller's wave-aware
 * predictor agrees it meets the slip.
 *
 * <p>The line also over-allocates for kernels whose latency has a kink, such as streaming kernels
 * that saturate DRAM at a third of the GPU: a line through n = 1 and n = all cannot bend there.
 * {@link #search} is the alternative the {@code rightSizeModel=search} parameter selects: the
 * fewest TPCs the (wave- and bandwidth-aware) predictor says meet the slip.
 */
public final class RightSizer {
  /** {@code latency(n) = mUs / n + bUs}. */
  public record Fit(double mUs, double bUs) {
    public double latencyUs(int n) { return mUs / n + bUs; }

    /** The line through the latencies on 1 TPC and on {@code n} TPCs. */
    public static Fit through(double oneTpcUs, double nTpcsUs, int n) {
      if (n <= 1) return new Fit(0, nTpcsUs);
      double m = (oneTpcUs - nTpcsUs) / (1.0 - 1.0 / n);
      return new Fit(m, oneTpcUs - m);
    }
  }

  private final int tpcCount;
  private final double slip;

  public RightSizer(int tpcCount, double slip) {
    if (tpcCount < 1) throw new IllegalArgumentException("tpcCount must be >= 1, was " + tpcCount);
    if (!(slip >= 0)) throw new IllegalArgumentException("rightSizeSlip must be >= 0, was " + slip);
    this.tpcCount = tpcCount;
    this.slip = slip;
  }

  public double slip() { return slip; }

  /** Fewest TPCs {@code n} with {@code fit(n) <= (1+k) · fit(all)}. */
  public int tpcsFor(Fit fit) {
    if (fit.mUs() <= 0) return 1; // more TPCs do not help
    double limit = (1 + slip) * fit.latencyUs(tpcCount);
    double room = limit - fit.bUs();
    if (room <= 0) return tpcCount;
    int n = (int) Math.ceil(fit.mUs() / room - 1e-9);
    return Math.max(1, Math.min(tpcCount, n));
  }

  /**
   * TPCs for a kernel whose predicted latency on {@code n} TPCs is {@code latencyUs(n)}: the fit
   * through {@code n = 1} and {@code n = all}, then raised until the prediction meets the slip.
   * All TPCs when the prediction is unknown (NaN).
   */
  public int rightSize(IntToDoubleFunction latencyUs) {
    double one = latencyUs.applyAsDouble(1);
    double all = latencyUs.applyAsDouble(tpcCount);
    if (Double.isNaN(one) || Double.isNaN(all)) return tpcCount;
    int n = tpcsFor(Fit.through(one, all, tpcCount));
    double limit = (1 + slip) * all * (1 + 1e-9);
    while (n < tpcCount && latencyUs.applyAsDouble(n) > limit) n++;
    return n;
  }

  /** Fewest {@code n} whose predicted latency is within the slip (scan, no fitted model); all when unknown. */
  public int search(IntToDoubleFunction latencyUs) {
    double all = latencyUs.applyAsDouble(tpcCount);
    if (Double.isNaN(all)) return tpcCount;
    double limit = (1 + slip) * all * (1 + 1e-9);
    for (int n = 1; n < tpcCount; n++) {
      if (latencyUs.applyAsDouble(n) <= limit) return n;
    }
    return tpcCount;
  }
}
