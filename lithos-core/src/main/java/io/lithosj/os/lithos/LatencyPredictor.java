package io.lithosj.os.lithos;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Online latency predictor keyed by kernel identity (name, grid, block shape), as the paper's:
 * a kernel launched again with the same grid runs about as long as last time on as many TPCs.
 *
 * <p>Model: run time of {@code b} blocks on {@code n} TPCs at the maximum clock =
 * {@code base(b, n) · factor(n)}. With the {@code prior} cold start, base is the analytical
 * {@link Kernel#idealLatencyUs} and factor a learned correction (1 until observed); with
 * {@code measure}, base counts waves ({@code ceil(b / waveSize(n))}) and factor is the learned time
 * per wave, unknown (NaN) until the kernel's first run. Factors are EWMAs per TPC count; a TPC
 * count never observed borrows the factor of the nearest observed count (ties: more TPCs).
 *
 * <p>Observations must be normalized to the maximum clock by the caller (the power manager knows
 * the clock an atom ran at).
 */
public final class LatencyPredictor {
  /** The identity the predictor keys on. */
  public record Key(String name, int blocks, int threadsPerBlock) {
    public static Key of(Kernel k) { return new Key(k.name(), k.blocks(), k.threadsPerBlock()); }
  }

  private final GpuSpec gpu;
  private final boolean usePrior;
  private final double alpha;
  private final Map<Key, double[]> factors = new HashMap<>();
  private double absPctErrorSum;
  private long errorSamples;

  public LatencyPredictor(GpuSpec gpu, boolean usePrior, double learningRate) {
    this.gpu = gpu;
    this.usePrior = usePrior;
    this.alpha = learningRate;
  }

  /** Predicted run time (launch overhead excluded) at the maximum clock, µs; NaN when unknown. */
  public double predictUs(Kernel k, int blocks, int tpcs) {
    double f = factor(factors.get(Key.of(k)), tpcs);
    if (Double.isNaN(f)) return Double.NaN;
    return base(k, blocks, tpcs) * f;
  }

  /** Whole-kernel prediction on {@code tpcs} TPCs. */
  public double predictKernelUs(Kernel k, int tpcs) { return predictUs(k, k.blocks(), tpcs); }

  /** Learn from one finished atom: {@code blocks} of {@code k} ran {@code runUs} on {@code tpcs} TPCs at fmax. */
  public void observe(Kernel k, int blocks, int tpcs, double runUs) {
    if (!(runUs > 0) || !Double.isFinite(runUs)) return; // a zero-length run teaches nothing
    double[] f = factors.computeIfAbsent(Key.of(k), key -> {
      double[] a = new double[gpu.tpcCount() + 1];
      Arrays.fill(a, Double.NaN);
      return a;
    });
    double sample = runUs / base(k, blocks, tpcs);
    f[tpcs] = Double.isNaN(f[tpcs]) ? sample : f[tpcs] + alpha * (sample - f[tpcs]);
  }

  /** Whether {@code k} was observed at least once. */
  public boolean seen(Kernel k) { return factors.containsKey(Key.of(k)); }

  /** Whether this run of {@code k} on {@code tpcs} TPCs would be predicted from an observation at that count. */
  public boolean observedAt(Kernel k, int tpcs) {
    double[] f = factors.get(Key.of(k));
    return f != null && !Double.isNaN(f[tpcs]);
  }

  /** Account one prediction against what happened (for {@link #mapePct}). */
  public void recordError(double predictedUs, double actualUs) {
    if (Double.isNaN(predictedUs) || !(actualUs > 0)) return;
    absPctErrorSum += Math.abs(predictedUs - actualUs) / actualUs * 100.0;
    errorSamples++;
  }

  /** Mean absolute percentage error of recorded predictions; NaN before the first. */
  public double mapePct() { return errorSamples == 0 ? Double.NaN : absPctErrorSum / errorSamples; }

  public long errorSamples() { return errorSamples; }

  private double base(Kernel k, int blocks, int tpcs) {
    if (usePrior) return k.withBlocks(blocks).idealLatencyUs(gpu, tpcs);
    int wave = k.waveSize(gpu, tpcs);
    return (blocks + wave - 1) / wave;
  }

  private double factor(double[] f, int tpcs) {
    if (tpcs < 1 || tpcs > gpu.tpcCount()) {
      throw new IllegalArgumentException("TPC count " + tpcs + " outside 1.." + gpu.tpcCount());
    }
    double none = usePrior ? 1.0 : Double.NaN;
    if (f == null) return none;
    for (int d = 0; d < f.length; d++) {
      if (tpcs + d < f.length && !Double.isNaN(f[tpcs + d])) return f[tpcs + d];
      if (tpcs - d >= 1 && !Double.isNaN(f[tpcs - d])) return f[tpcs - d];
    }
    return none;
  }
}
