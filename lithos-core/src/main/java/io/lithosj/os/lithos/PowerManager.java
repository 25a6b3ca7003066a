package io.lithosj.os.lithos;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Transparent power management (the paper's model): a kernel's latency at SM clock {@code f}
 * grows as {@code lat(f)/lat(fmax) - 1 = s·(fmax/f - 1)}, {@code s} its frequency sensitivity.
 * Over the in-flight work with time weights {@code w} (here: each atom's share of predicted
 * TPC-time, summing to 1), the manager picks the lowest supported clock with
 * {@code Σ w·s·(fmax/f - 1) <= k}.
 *
 * <p>Sensitivity starts from the kernel's {@code WorkProfile.clockSensitivity} and is learned
 * online: when a kernel has run on the same TPC count at two clocks at least
 * {@link #MIN_CLOCK_SPREAD} apart (in {@code fmax/f}), the ratio of its per-wave times solves the
 * model for {@code s}; samples are clamped to [0, 1] and folded into an EWMA. Contention from
 * co-runners also moves per-wave times, so a sample is noisy; the EWMA damps that.
 *
 * <p>It also keeps the clock history so an atom's run time can be normalized to {@code fmax}.
 */
public final class PowerManager {
  /** Smallest difference in {@code fmax/f} between two observations used to learn {@code s}. */
  public static final double MIN_CLOCK_SPREAD = 0.05;

  /** One piece of in-flight work: its sensitivity and its (unnormalized) time weight. */
  public record Work(double sensitivity, double weight) {}

  private final double slip;
  private final double alpha;
  private final int fmaxMhz;
  private final int[] clocksAscending;
  private final Map<LatencyPredictor.Key, Double> learned = new HashMap<>();
  private final Map<LatencyPredictor.Key, Map<Integer, TreeMap<Integer, Double>>> perWaveUs = new HashMap<>();
  private final List<double[]> clockLog = new ArrayList<>(); // {timeMs, mhz}, times ascending
  private long sensitivitySamples;

  public PowerManager(GpuSpec gpu, double slip, double learningRate, double startMs, int startMhz) {
    this.slip = slip;
    this.alpha = learningRate;
    this.fmaxMhz = gpu.clocks().maxMhz();
    int[] desc = gpu.clocks().supportedMhz();
    this.clocksAscending = new int[desc.length];
    for (int i = 0; i < desc.length; i++) clocksAscending[i] = desc[desc.length - 1 - i];
    clockLog.add(new double[] {startMs, startMhz});
  }

  /** Slowdown factor {@code lat(f)/lat(fmax)} of work with sensitivity {@code s} at {@code mhz}. */
  public double slowdown(double s, double mhz) { return 1.0 + s * (fmaxMhz / mhz - 1.0); }

  /** Learned sensitivity, or the work profile's prior. */
  public double sensitivity(Kernel k) {
    Double s = learned.get(LatencyPredictor.Key.of(k));
    return s != null ? s : k.work().clockSensitivity();
  }

  public long sensitivitySamples() { return sensitivitySamples; }

  /** Lowest supported clock with {@code Σ w·s·(fmax/f - 1) <= k}; the lowest clock when idle. */
  public int chooseClockMhz(List<Work> inFlight) {
    double wSum = 0, wsSum = 0;
    for (Work w : inFlight) {
      wSum += w.weight();
      wsSum += w.weight() * w.sensitivity();
    }
    double s = wSum > 0 ? wsSum / wSum : 0;
    for (int mhz : clocksAscending) {
      if (s * ((double) fmaxMhz / mhz - 1.0) <= slip + 1e-12) return mhz;
    }
    return fmaxMhz;
  }

  /** Record that the clock became {@code mhz} at {@code nowMs}. */
  public void clockChanged(double nowMs, int mhz) {
    double[] last = clockLog.get(clockLog.size() - 1);
    if (last[1] == mhz) return;
    if (last[0] == nowMs) clockLog.remove(clockLog.size() - 1);
    clockLog.add(new double[] {nowMs, mhz});
  }

  /** Clock in effect at {@code tMs}. */
  public int clockAt(double tMs) { return (int) clockLog.get(segmentAt(tMs))[1]; }

  /** Whether the clock stayed the same over {@code [t0, t1]}. */
  public boolean steadyClock(double t0Ms, double t1Ms) { return segmentAt(t0Ms) == segmentAt(t1Ms); }

  /** Time-averaged slowdown of work with sensitivity {@code s} over {@code [t0, t1]}. */
  public double meanSlowdown(double s, double t0Ms, double t1Ms) {
    int i = segmentAt(t0Ms);
    if (t1Ms <= t0Ms) return slowdown(s, clockLog.get(i)[1]);
    double acc = 0;
    for (double t = t0Ms; t < t1Ms; i++) {
      double end = i + 1 < clockLog.size() ? Math.min(t1Ms, clockLog.get(i + 1)[0]) : t1Ms;
      acc += (end - t) * slowdown(s, clockLog.get(i)[1]);
      t = end;
    }
    return acc / (t1Ms - t0Ms);
  }

  /** Drop clock history no atom still running can need. */
  public void forgetBefore(double tMs) {
    int keep = segmentAt(tMs);
    if (keep > 0) clockLog.subList(0, keep).clear();
  }

  /**
   * Learn from an atom that ran {@code runUs} with {@code waves} waves on {@code tpcs} TPCs at a
   * steady {@code mhz}.
   */
  public void observe(Kernel k, int tpcs, int waves, double runUs, int mhz) {
    if (!(runUs > 0) || waves <= 0) return;
    LatencyPredictor.Key key = LatencyPredictor.Key.of(k);
    TreeMap<Integer, Double> byClock = perWaveUs.computeIfAbsent(key, x -> new HashMap<>())
        .computeIfAbsent(tpcs, x -> new TreeMap<>());
    double sample = runUs / waves;
    byClock.merge(mhz, sample, (old, now) -> old + alpha * (now - old));
    double r = byClock.get(mhz);
    // Compare with the clock farthest from this one on the fmax/f scale.
    int other = Math.abs(byClock.firstKey() - mhz) > Math.abs(byClock.lastKey() - mhz) ? byClock.firstKey() : byClock.lastKey();
    double a = (double) fmaxMhz / mhz - 1.0, b = (double) fmaxMhz / other - 1.0;
    if (Math.abs(a - b) < MIN_CLOCK_SPREAD) return;
    double s = solveSensitivity(r, a, byClock.get(other), b);
    if (Double.isNaN(s)) return;
    double prior = sensitivity(k);
    learned.put(key, prior + alpha * (s - prior));
    sensitivitySamples++;
  }

  /**
   * {@code s} from two per-wave times {@code r1, r2} at clock offsets {@code a_i = fmax/f_i - 1}:
   * {@code r1/r2 = (1 + s·a1) / (1 + s·a2)}, clamped to [0, 1]; NaN when degenerate.
   */
  static double solveSensitivity(double r1, double a1, double r2, double a2) {
    double q = r1 / r2;
    double denom = a1 - q * a2;
    if (Math.abs(denom) < 1e-12) return Double.NaN;
    double s = (q - 1.0) / denom;
    return Math.max(0.0, Math.min(1.0, s));
  }

  private int segmentAt(double tMs) {
    int lo = 0, hi = clockLog.size() - 1;
    while (lo < hi) { // last segment starting at or before tMs
      int mid = (lo + hi + 1) >>> 1;
      if (clockLog.get(mid)[0] <= tMs) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}
