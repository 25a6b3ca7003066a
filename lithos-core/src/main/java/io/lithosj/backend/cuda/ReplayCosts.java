package io.lithosj.backend.cuda;

import io.lithosj.gpu.GpuSpec;
import java.util.Comparator;
import java.util.List;

/**
 * Per-unit costs of the library kernels on one GPU, measured by {@code lithos calibrate} at full
 * occupancy on all TPCs: what trace replay needs to turn a modeled block into FMA iterations.
 * All times are per wave (every SM running its resident blocks once), taken as the difference
 * of runs with 4 and 12 waves so launch and ramp costs cancel.
 *
 * <p>FMA: a logical block of {@code fma_atom} with {@code I} iterations on an SM holding
 * {@code T} threads takes {@code blockOverheadUs + I * T * fmaNsPerThreadIter * shape(t) / 1000}
 * µs (the SM's FMA pipes are shared by its threads; {@code shape(t)} is the measured cost of
 * block size {@code t} relative to 256 threads).
 *
 * <p>Mixed: with {@code e} float4 copied per SM and wave, a wave takes the soft maximum
 * {@code (M^p + C^p)^(1/p)} of its copy time {@code M = memoryUs(e)} and its compute time
 * {@code C = computeUs0(e) + I * usPerIter(e)}, interpolated between measured points: copy and
 * arithmetic overlap, but not perfectly where they take about as long ({@code overlapP} is fitted).
 *
 * <p>Fill: an FMA atom does not take the modeled GPU's {@code ceil(W)} block times for {@code W}
 * waves' worth of blocks. Its blocks share the SM's FMA pipes, so on a part-full SM (a sub-wave
 * atom, a last partial wave) they run faster; blocks claimed dynamically finish unevenly; and
 * the SM-gated launch costs a few µs to ramp and drain. Measured per block size ({@link FillPoint}),
 * an atom whose blocks take {@code B} µs at full residency takes {@code fixedUs(W) + spanWaves(W) B}
 * (event-timed); {@link #atomBlockUs} inverts this so a replayed atom, alone on its mask, takes its
 * modeled time. {@code W} counts the busiest SM: below a wave, ceil(blocks / SMs) / blocks per SM.
 *
 * @param fmaNsPerThreadIter  SM time per thread-iteration (8 FMAs) at full occupancy, ns
 * @param blockOverheadUs     fixed cost of one logical block (claim, barriers), µs
 * @param threadsPerSm        threads resident per SM the costs were measured with
 * @param overlapP            exponent of the soft maximum of copy and compute time (large = perfect overlap)
 * @param shapes              cost factor by threads per block (1 at 256)
 * @param mixed               mixed-kernel wave costs by float4 per SM and wave, ascending
 * @param fill                measured FMA atom time against waves, by block size (empty: atoms sized for full waves)
 */
public record ReplayCosts(double fmaNsPerThreadIter, double blockOverheadUs, int threadsPerSm, double overlapP,
                          List<ShapeFactor> shapes, List<MixedPoint> mixed, List<FillPoint> fill) {
  /** Measured cost of a block size relative to 256-thread blocks at the same threads per SM. */
  public record ShapeFactor(int threadsPerBlock, double factor) {}

  /** One measured mixed-kernel point: memory-only wave time, and the compute branch's intercept and slope. */
  public record MixedPoint(double elemsPerSm, double memoryUs, double computeUs0, double usPerIter) {}

  /**
   * One measured fill point: an FMA atom of {@code threadsPerBlock}-thread blocks and {@code waves}
   * waves' worth of them (busiest SM), whose blocks take {@code B} µs at full residency, takes
   * {@code fixedUs + spanWaves B} µs from launch to end (fitted to two block lengths).
   */
  public record FillPoint(int threadsPerBlock, double waves, double fixedUs, double spanWaves) {}

  public ReplayCosts(double fmaNsPerThreadIter, double blockOverheadUs, int threadsPerSm, double overlapP,
                     List<ShapeFactor> shapes, List<MixedPoint> mixed) {
    this(fmaNsPerThreadIter, blockOverheadUs, threadsPerSm, overlapP, shapes, mixed, List.of());
  }

  public ReplayCosts {
    if (!(fmaNsPerThreadIter > 0)) throw new IllegalArgumentException("fmaNsPerThreadIter must be > 0, was " + fmaNsPerThreadIter);
    if (!(blockOverheadUs >= 0)) throw new IllegalArgumentException("blockOverheadUs must be >= 0, was " + blockOverheadUs);
    if (threadsPerSm < 32) throw new IllegalArgumentException("threadsPerSm must be >= 32, was " + threadsPerSm);
    if (!(overlapP >= 1)) throw new IllegalArgumentException("overlapP must be >= 1, was " + overlapP);
    shapes = shapes == null ? List.of() : shapes.stream().sorted(Comparator.comparingInt(ShapeFactor::threadsPerBlock)).toList();
    mixed = mixed == null ? List.of() : mixed.stream().sorted(Comparator.comparingDouble(MixedPoint::elemsPerSm)).toList();
    fill = fill == null ? List.of() : fill.stream()
        .sorted(Comparator.comparingInt(FillPoint::threadsPerBlock).thenComparingDouble(FillPoint::waves)).toList();
    for (FillPoint f : fill) {
      if (!(f.waves() > 0) || !(f.spanWaves() > 0) || !Double.isFinite(f.fixedUs())) {
        throw new IllegalArgumentException("fill point needs waves > 0, spanWaves > 0 and a finite fixedUs: " + f);
      }
    }
  }

  public ReplayCosts withFill(List<FillPoint> measured) {
    return new ReplayCosts(fmaNsPerThreadIter, blockOverheadUs, threadsPerSm, overlapP, shapes, mixed, measured);
  }

  /**
   * Uncalibrated estimate from the datasheet: 128 FP32 lanes per SM run 16 thread-iterations of
   * 8 FMAs per cycle at the maximum clock; 1 µs per block; copies at the spec's bandwidth.
   */
  public static ReplayCosts nominal(GpuSpec gpu) {
    double ns = 1000.0 / (16.0 * gpu.clocks().maxMhz());
    int threads = gpu.smLimits().maxThreads();
    double e = 8192; // float4 per SM and wave
    double memUs = e * LibraryLaunch.BYTES_PER_ELEM * gpu.smCount() / (gpu.memBandwidthGBps() * 1000.0);
    return new ReplayCosts(ns, 1.0, threads, 8, List.of(), List.of(new MixedPoint(e, memUs, 1.0, threads * ns / 1000.0)));
  }

  /** Cost factor of {@code threadsPerBlock}-thread blocks, interpolated in log2(threads); 1 without data. */
  public double shapeFactor(int threadsPerBlock) {
    if (shapes.isEmpty()) return 1.0;
    double x = Math.log(threadsPerBlock) / Math.log(2);
    ShapeFactor first = shapes.get(0), last = shapes.get(shapes.size() - 1);
    if (threadsPerBlock <= first.threadsPerBlock()) return first.factor();
    if (threadsPerBlock >= last.threadsPerBlock()) return last.factor();
    for (int i = 1; i < shapes.size(); i++) {
      ShapeFactor a = shapes.get(i - 1), b = shapes.get(i);
      if (threadsPerBlock <= b.threadsPerBlock()) {
        double xa = Math.log(a.threadsPerBlock()) / Math.log(2), xb = Math.log(b.threadsPerBlock()) / Math.log(2);
        return a.factor() + (b.factor() - a.factor()) * (x - xa) / (xb - xa);
      }
    }
    return last.factor();
  }

  /** Predicted time of one logical {@code fma_atom} block, µs. */
  public double blockUs(int iters, int threadsOnSm, int threadsPerBlock) {
    return blockOverheadUs + iters * (double) threadsOnSm * fmaNsPerThreadIter * shapeFactor(threadsPerBlock) / 1000.0;
  }

  /** {@link #blockUs(int, int, int)} at the calibrated occupancy with 256-thread blocks. */
  public double blockUs(int iters) { return blockUs(iters, threadsPerSm, 256); }

  /** FMA iterations that make a logical block take {@code blockUs}. */
  public int itersFor(double blockUs, int threadsOnSm, int threadsPerBlock) {
    double perIterUs = threadsOnSm * fmaNsPerThreadIter * shapeFactor(threadsPerBlock) / 1000.0;
    return clampIters((blockUs - blockOverheadUs) / perIterUs);
  }

  /**
   * Waves' worth of blocks as the fill curve counts them: blocks per slot from a wave up; below, the
   * busiest SM's share of its slots (blocks are spread evenly), so at least one block per SM.
   */
  public static double effectiveWaves(int blocks, int sms, int blocksPerSm) {
    double waves = blocks / ((double) sms * blocksPerSm);
    return waves >= 1 ? waves : Math.ceil(blocks / (double) sms) / blocksPerSm;
  }

  /** The measured curve of the block size nearest {@code threadsPerBlock} (in log2); empty without data. */
  private List<FillPoint> curveFor(int threadsPerBlock) {
    if (fill.isEmpty()) return List.of();
    int best = fill.get(0).threadsPerBlock();
    for (FillPoint f : fill) {
      if (Math.abs(Math.log((double) f.threadsPerBlock() / threadsPerBlock)) < Math.abs(Math.log((double) best / threadsPerBlock))) {
        best = f.threadsPerBlock();
      }
    }
    int t = best;
    return fill.stream().filter(f -> f.threadsPerBlock() == t).toList();
  }

  /**
   * The fill point at {@code waves}: linear between measured points; beyond the last, each further
   * wave adds one block time; below the first, the span shrinks in proportion, the fixed part stays.
   */
  public FillPoint fillAt(int threadsPerBlock, double waves) {
    List<FillPoint> curve = curveFor(threadsPerBlock);
    if (curve.isEmpty()) throw new IllegalStateException("no fill curve calibrated");
    FillPoint first = curve.get(0), last = curve.get(curve.size() - 1);
    if (waves <= first.waves()) return new FillPoint(first.threadsPerBlock(), waves, first.fixedUs(), first.spanWaves() * waves / first.waves());
    if (waves >= last.waves()) return new FillPoint(last.threadsPerBlock(), waves, last.fixedUs(), last.spanWaves() + waves - last.waves());
    for (int i = 1; i < curve.size(); i++) {
      FillPoint a = curve.get(i - 1), b = curve.get(i);
      if (waves <= b.waves()) {
        double f = (waves - a.waves()) / (b.waves() - a.waves());
        return new FillPoint(a.threadsPerBlock(), waves, a.fixedUs() + f * (b.fixedUs() - a.fixedUs()),
            a.spanWaves() + f * (b.spanWaves() - a.spanWaves()));
      }
    }
    return last;
  }

  /**
   * The full-residency block time {@code B} that makes an FMA atom of {@code waves} (effective)
   * waves' worth of {@code threadsPerBlock}-thread blocks take {@code atomUs} from launch to end;
   * at least {@code blockOverheadUs} (an atom shorter than its fixed cost cannot be made). NaN
   * without fill data.
   */
  public double atomBlockUs(int threadsPerBlock, double waves, double atomUs) {
    if (fill.isEmpty()) return Double.NaN;
    FillPoint p = fillAt(threadsPerBlock, waves);
    return Math.max(blockOverheadUs, (atomUs - p.fixedUs()) / p.spanWaves());
  }

  /**
   * The mixed-kernel costs at {@code elemsPerSm} float4 per SM and wave: linear between measured
   * points; below the first, memory time scales down to 0 and the compute branch blends into
   * pure FMA; above the last, memory time grows in proportion (bandwidth-bound).
   */
  public MixedPoint mixedAt(double elemsPerSm) {
    if (mixed.isEmpty()) throw new IllegalStateException("no mixed-kernel costs calibrated");
    MixedPoint first = mixed.get(0), last = mixed.get(mixed.size() - 1);
    if (elemsPerSm <= first.elemsPerSm()) {
      double f = elemsPerSm / first.elemsPerSm();
      double fmaPerIterUs = threadsPerSm * fmaNsPerThreadIter / 1000.0;
      return new MixedPoint(elemsPerSm, first.memoryUs() * f, blockOverheadUs + (first.computeUs0() - blockOverheadUs) * f,
          fmaPerIterUs + (first.usPerIter() - fmaPerIterUs) * f);
    }
    if (elemsPerSm >= last.elemsPerSm()) {
      return new MixedPoint(elemsPerSm, last.memoryUs() * elemsPerSm / last.elemsPerSm(), last.computeUs0(), last.usPerIter());
    }
    for (int i = 1; i < mixed.size(); i++) {
      MixedPoint a = mixed.get(i - 1), b = mixed.get(i);
      if (elemsPerSm <= b.elemsPerSm()) {
        double f = (elemsPerSm - a.elemsPerSm()) / (b.elemsPerSm() - a.elemsPerSm());
        return new MixedPoint(elemsPerSm, a.memoryUs() + f * (b.memoryUs() - a.memoryUs()),
            a.computeUs0() + f * (b.computeUs0() - a.computeUs0()), a.usPerIter() + f * (b.usPerIter() - a.usPerIter()));
      }
    }
    return last;
  }

  /** Soft maximum {@code (a^p + b^p)^(1/p)} of a copy and a compute time. */
  public double overlap(double a, double b) {
    double m = Math.max(a, b);
    if (m <= 0) return 0;
    return m * Math.pow(Math.pow(a / m, overlapP) + Math.pow(b / m, overlapP), 1.0 / overlapP);
  }

  /** Predicted wave time on all TPCs of the mixed kernel (the streaming one when {@code iters} is 0), µs. */
  public double mixedWaveUs(int iters, double elemsPerSm, int threadsPerBlock) {
    MixedPoint p = mixedAt(elemsPerSm);
    if (iters == 0) return p.memoryUs();
    return overlap(p.memoryUs(), p.computeUs0() + iters * p.usPerIter() * shapeFactor(threadsPerBlock));
  }

  /**
   * Iterations that make a mixed block take {@code blockUs} when its copy alone takes
   * {@code copyUs}; 0 when the copy alone takes that long.
   */
  public int mixedItersFor(double blockUs, double copyUs, double elemsPerSm, int threadsPerBlock) {
    if (blockUs <= copyUs) return 0;
    MixedPoint p = mixedAt(elemsPerSm);
    double m = blockUs, c = copyUs / m;
    double computeUs = m * Math.pow(1 - Math.pow(c, overlapP), 1.0 / overlapP);
    return clampIters((computeUs - p.computeUs0()) / (p.usPerIter() * shapeFactor(threadsPerBlock)));
  }

  private static int clampIters(double it) {
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, Math.round(it)));
  }
}
