package io.lithosj.workload.trace;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;

/**
 * Fits a kernel's {@link WorkProfile} to measured latencies, so that
 * {@link Kernel#idealLatencyUs(GpuSpec, int)} reproduces them.
 *
 * <p>{@link Kernel#idealLatencyUs} amounts to {@code waves(n) · max(c, r(n) · q / B(n))} on n
 * TPCs: {@code c} the block time ({@code blockComputeUs · computeScale}), {@code r(n)} the blocks
 * resident at once (at most one wave), {@code q} a block's DRAM bytes and {@code B(n)} the
 * bandwidth they can draw together, {@code r(n) · Kernel.drawableGBps}: at most
 * {@code memBandwidth}, and {@code smBandwidth} per SM holding blocks. Compute-bound work
 * ({@code c} dominant) scales with the number of waves, ~1/n; memory-bound work costs
 * ~blocks·q/B(n), flat once enough SMs saturate DRAM: it saturates early.
 *
 * <p>The fit keeps the whole-GPU latency exactly ({@code T = waves(N) · max(c, r(N) · q / B(N))})
 * and chooses the split between the two terms, {@code c = T/waves(N) · a} and
 * {@code q / B(N) = T/(waves(N) · r(N)) · b} with {@code max(a, b) = 1}, that minimizes the squared log
 * error over the other measured points: a one-parameter search (a grid, then golden section on the
 * best cell), deterministic; where the data cannot tell (the smaller term never shows) the smaller
 * share is taken as 0. With no other point it assumes compute-bound work ({@code a=1, b=0}).
 * {@code clockSensitivity} is the compute-bound share {@code a / (a + b)}.
 */
public final class ScalingFit {
  private static final int GRID = 400;
  private static final double MIN_SHARE = 1e-6;

  private ScalingFit() {}

  /**
   * @param computeShare  a: the block-compute term at the whole GPU relative to the latency
   * @param memoryShare   b: the DRAM term at the whole GPU relative to the latency
   * @param rmsLogError   root mean square of ln(model/measured) over the points besides the whole GPU
   * @param points        measured points besides the whole GPU
   */
  public record Result(WorkProfile work, double computeShare, double memoryShare, double rmsLogError, int points) {}

  /**
   * @param shape    the kernel's grid and resources (its work profile is ignored)
   * @param fullUs   measured latency on all of the GPU's TPCs
   * @param tpcs     TPC counts of the other measured points
   * @param latencyUs measured latencies at {@code tpcs}, same run conditions as {@code fullUs}
   */
  public static Result fit(GpuSpec gpu, Kernel shape, double fullUs, int[] tpcs, double[] latencyUs) {
    return fit(gpu, shape, fullUs, tpcs, latencyUs, 0, 2);
  }

  /** {@link #fit} over split parameters t in [lo, hi] (t <= 1: a = 1, b = t; t > 1: b = 1, a = 2 - t). */
  private static Result fit(GpuSpec gpu, Kernel shape, double fullUs, int[] tpcs, double[] latencyUs, double lo, double hi) {
    if (tpcs.length != latencyUs.length) throw new IllegalArgumentException("tpcs and latencies differ in length");
    requireLatency(shape, fullUs);
    int full = gpu.tpcCount();
    int perSm = shape.blocksPerSm(gpu);
    double wavesFull = waves(shape.blocks(), perSm, gpu, full);
    double residentFull = resident(shape.blocks(), perSm, gpu, full);
    double bandwidthFull = bandwidthGBps(gpu, full, residentFull);
    int m = 0;
    for (double y : latencyUs) if (y > 0 && Double.isFinite(y)) m++;
    double[] ratioWaves = new double[m];
    double[] ratioResident = new double[m];
    double[] logY = new double[m];
    int j = 0;
    for (int i = 0; i < tpcs.length; i++) {
      if (!(latencyUs[i] > 0) || !Double.isFinite(latencyUs[i])) continue;
      if (tpcs[i] < 1 || tpcs[i] > full) throw new IllegalArgumentException("TPC count " + tpcs[i] + " outside 1.." + full);
      ratioWaves[j] = waves(shape.blocks(), perSm, gpu, tpcs[i]) / wavesFull;
      ratioResident[j] = resident(shape.blocks(), perSm, gpu, tpcs[i]) / residentFull
          * bandwidthFull / bandwidthGBps(gpu, tpcs[i], resident(shape.blocks(), perSm, gpu, tpcs[i]));
      logY[j] = Math.log(latencyUs[i] / fullUs);
      j++;
    }
    double t = lo;
    if (m > 0) {
      double best = Double.POSITIVE_INFINITY;
      for (int g = 0; g <= GRID; g++) {
        double x = lo + (hi - lo) * g / GRID;
        double e = error(x, ratioWaves, ratioResident, logY);
        // among equally good splits (the hidden term does not show in the data) take the purest one
        boolean tie = best < Double.POSITIVE_INFINITY && Math.abs(e - best) <= 1e-12 * Math.max(1, best);
        if ((!tie && e < best) || (tie && Math.abs(x - 1) > Math.abs(t - 1))) {
          best = Math.min(best, e);
          t = x;
        }
      }
      double cell = (hi - lo) / GRID;
      t = golden(Math.max(lo, t - cell), Math.min(hi, t + cell), ratioWaves, ratioResident, logY, t, best);
    }
    double rms = m == 0 ? 0 : Math.sqrt(error(t, ratioWaves, ratioResident, logY) / m);
    return result(gpu, fullUs, wavesFull, residentFull, shareA(t), shareB(t), rms, m);
  }

  /**
   * The profile with a given split instead of a fitted one (for a kernel measured only on the
   * whole GPU): {@code computeShare} and {@code memoryShare} as in {@link Result}, scaled so that
   * the larger is 1.
   */
  public static Result withShares(GpuSpec gpu, Kernel shape, double fullUs, double computeShare, double memoryShare) {
    requireLatency(shape, fullUs);
    if (!(computeShare >= 0 && memoryShare >= 0 && computeShare + memoryShare > 0)) {
      throw new IllegalArgumentException("shares must be >= 0 and not both 0: " + computeShare + ", " + memoryShare);
    }
    double top = Math.max(computeShare, memoryShare);
    int perSm = shape.blocksPerSm(gpu);
    double wavesFull = waves(shape.blocks(), perSm, gpu, gpu.tpcCount());
    double residentFull = resident(shape.blocks(), perSm, gpu, gpu.tpcCount());
    return result(gpu, fullUs, wavesFull, residentFull, Math.max(MIN_SHARE, computeShare / top), memoryShare / top, 0, 0);
  }

  /**
   * The profile of a kernel whose DRAM traffic was measured (Nsight Compute's DRAM bytes read +
   * written over one run of it), instead of fitted from its scaling: {@code q} is the measured bytes
   * per block, so {@code b} follows from the whole-GPU latency. Where the measured traffic does not
   * fill the latency at the model's bandwidth ({@code b < 1}) the block-compute term carries it
   * ({@code a = 1}): the flattening of a scaling curve then stays what it is (fewer blocks than SMs,
   * tails), not bandwidth. Where it would take longer than measured ({@code b > 1}: the GPU drew more
   * than the model's peak) the DRAM term is capped at the latency ({@code b = 1}) and the compute
   * share is fitted to the measured points as in {@link #fit} (1 without points). The result's
   * {@code rmsLogError} is the model's error at the measured points either way.
   *
   * @param dramBytes measured DRAM bytes of the whole kernel (all blocks)
   */
  public static Result withMeasuredBytes(GpuSpec gpu, Kernel shape, double fullUs, double dramBytes, int[] tpcs,
                                         double[] latencyUs) {
    requireLatency(shape, fullUs);
    if (!(dramBytes >= 0) || !Double.isFinite(dramBytes)) {
      throw new IllegalArgumentException("kernel '" + shape.name() + "': DRAM bytes must be >= 0, was " + dramBytes);
    }
    int full = gpu.tpcCount();
    int perSm = shape.blocksPerSm(gpu);
    double wavesFull = waves(shape.blocks(), perSm, gpu, full);
    double residentFull = resident(shape.blocks(), perSm, gpu, full);
    double perBlockBytes = dramBytes / shape.blocks();
    double b = perBlockBytes / (1000.0 * bandwidthGBps(gpu, full, residentFull)) * wavesFull * residentFull / fullUs;
    // t = b fixes the split where compute carries the latency; else the compute share is searched
    return b < 1 ? fit(gpu, shape, fullUs, tpcs, latencyUs, b, b) : fit(gpu, shape, fullUs, tpcs, latencyUs, 1, 2);
  }

  private static Result result(GpuSpec gpu, double fullUs, double wavesFull, double residentFull, double a, double b,
                               double rms, int points) {
    double c = fullUs / wavesFull * a / gpu.computeScale();
    double d = fullUs / (wavesFull * residentFull) * b; // q / B(N), in µs
    double bytes = d * 1000.0 * bandwidthGBps(gpu, gpu.tpcCount(), residentFull);
    return new Result(new WorkProfile(c, bytes, a / (a + b)), a, b, rms, points);
  }

  /** DRAM bandwidth {@code resident} blocks on {@code tpcs} TPCs draw together ({@link Kernel#drawableGBps}). */
  static double bandwidthGBps(GpuSpec gpu, int tpcs, double resident) {
    return resident * Kernel.drawableGBps(gpu, tpcs * gpu.smsPerTpc(), (int) resident);
  }

  /** The kernel with its real shape and the fitted profile. */
  public static Kernel fitted(Kernel shape, Result r) {
    return new Kernel(shape.name(), shape.blocks(), shape.threadsPerBlock(), shape.regsPerThread(),
        shape.smemPerBlockBytes(), r.work());
  }

  private static void requireLatency(Kernel shape, double fullUs) {
    if (!(fullUs > 0) || !Double.isFinite(fullUs)) {
      throw new IllegalArgumentException("kernel '" + shape.name() + "': whole-GPU latency must be > 0, was " + fullUs);
    }
  }

  private static double shareA(double t) { return t <= 1 ? 1 : Math.max(MIN_SHARE, 2 - t); }

  private static double shareB(double t) { return t <= 1 ? t : 1; }

  private static double error(double t, double[] rw, double[] rr, double[] logY) {
    double a = shareA(t), b = shareB(t), s = 0;
    for (int i = 0; i < logY.length; i++) {
      double e = Math.log(rw[i] * Math.max(a, b * rr[i])) - logY[i];
      s += e * e;
    }
    return s;
  }

  private static double golden(double lo, double hi, double[] rw, double[] rr, double[] y, double bestT, double bestE) {
    final double phi = (Math.sqrt(5) - 1) / 2;
    double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    double f1 = error(x1, rw, rr, y), f2 = error(x2, rw, rr, y);
    for (int i = 0; i < 40; i++) {
      if (f1 <= f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - phi * (hi - lo);
        f1 = error(x1, rw, rr, y);
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + phi * (hi - lo);
        f2 = error(x2, rw, rr, y);
      }
    }
    double x = (lo + hi) / 2, f = error(x, rw, rr, y);
    return f < bestE ? x : bestT;
  }

  private static double waves(long blocks, int perSm, GpuSpec gpu, int tpcs) {
    long wave = (long) perSm * gpu.smsPerTpc() * tpcs;
    return Math.ceil((double) blocks / wave);
  }

  private static double resident(long blocks, int perSm, GpuSpec gpu, int tpcs) {
    return Math.min(blocks, (long) perSm * gpu.smsPerTpc() * tpcs);
  }
}
