package io.lithosj.backend.cuda;

import static io.lithosj.stats.Stats.median;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * Measures the GPU at hand for {@code lithos calibrate}: per-unit costs of the kernel library,
 * latency of each library kernel on 1..all TPCs (fitted to m/n + b), the bandwidth ceiling,
 * launch and per-atom overhead, and board power against active TPCs. Writes the raw points as
 * CSV files and the fitted parameters as {@code calibration.json} into {@code outDir}.
 * Read-only towards the GPU's settings: clocks and power limits are observed, never set.
 */
public final class Calibrator {
  /** Default TPC counts of the scaling scans (those above the GPU's count are dropped, its count added). */
  public static final int[] DEFAULT_TPCS = {1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 28, 33, 40, 48, 56, 66};

  public record Options(Path outDir, int reps, int[] tpcCounts, boolean power, double powerSeconds, double gridFactor, GpuSpec spec) {}

  private final Options opt;
  private final PrintStream log;
  private final CudaDevice dev;
  private final AtomEngine eng;
  private final GpuSpec spec;
  private final TpcSet all;
  private final List<String> notes = new ArrayList<>();
  private Nvml nvml;
  private NvmlSampler sampler;

  public Calibrator(AtomEngine engine, GpuSpec spec, Options opt, PrintStream log) {
    this.eng = engine;
    this.dev = engine.device();
    this.spec = spec;
    this.opt = opt;
    this.log = log;
    this.all = TpcSet.range(0, dev.tpcCount());
    eng.setGridFactor(opt.gridFactor());
  }

  public Calibration run() {
    log.println("calibrating " + dev + " into " + opt.outDir());
    try {
      nvml = Nvml.open(dev.pciBusId);
      sampler = new NvmlSampler(nvml, 10);
    } catch (IllegalStateException e) { // CudaUnavailableException: no NVML; or NVML failing to read
      log.println(e.getMessage());
      notes.add(e.getMessage());
    }
    try {
      double deepIdleW = Double.NaN;
      if (sampler != null && opt.power()) { // before any work of ours: the GPU at its idle clocks
        long a = System.nanoTime();
        sleepMs(1000);
        deepIdleW = sampler.meanPowerW(a, System.nanoTime());
        notes.add(String.format("board power before any work (idle clocks): %.1f W", deepIdleW));
      }
      warmUp();
      ReplayCosts costs = measureReplayCosts();
      costs = costs.withFill(measureFill(costs));
      double[] bw = measureBandwidth();
      List<Calibration.KernelFit> fits = scalingScans();
      double smGBps = fitSmBandwidth(fits.stream().filter(f -> f.kernel().equals("stream")).findFirst().orElseThrow(), bw[0]);
      double[] launch = measureLaunchOverhead();
      double atomUs = measureAtomOverhead(costs);
      Calibration.Power power = opt.power() && sampler != null ? measurePower(costs, bw[0], deepIdleW)
          : new Calibration.Power(spec.power().idleW(), Double.NaN, spec.power().maxW(), spec.power().tpcShare(),
              spec.power().dramShare(), Double.NaN, Double.NaN, Double.NaN, false);
      notes.add("CUDA_DEVICE_MAX_CONNECTIONS=" + System.getenv("CUDA_DEVICE_MAX_CONNECTIONS"));
      notes.add("latencies are medians of " + opt.reps() + " runs, timed with CUDA events; bandwidth counts read + write bytes");
      Calibration cal = new Calibration(spec.id(), dev.name, nvml != null ? nvml.driverVersion : "unknown",
          dev.driverVersionString(), ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
          dev.smCount, dev.tpcCount(), eng.gridFactor(), bw[0], bw[1], smGBps, launch[0], launch[1], launch[2], atomUs, atomFixedUs,
          eng.clockUncertaintyUs(), power, costs, fits, notes);
      cal.write(opt.outDir());
      if (spec.tpcCount() == dev.tpcCount()) replayCheck(cal);
      return cal;
    } finally {
      if (sampler != null) sampler.close();
      if (nvml != null) nvml.close();
    }
  }

  /**
   * {@code lithos calibrate --only fill}: measures the fill curve on this GPU, adds it to the
   * replay costs of {@code base} (a calibration of the same GPU), writes calibration.json and
   * checks replay of whole kernels and of atoms.
   */
  public Calibration runFill(Calibration base) {
    if (base.tpcCount() != dev.tpcCount() || base.replay() == null) {
      throw new IllegalArgumentException("calibration in " + opt.outDir() + " is of " + base.gpuName() + " (" + base.tpcCount()
          + " TPCs" + (base.replay() == null ? ", no replay costs" : "") + "), not of this " + dev.name + ": run a full calibrate");
    }
    log.println("measuring the replay fill curve of " + dev + " into " + opt.outDir());
    warmUp();
    List<String> n = new ArrayList<>(base.notes());
    n.add("fill curve measured " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " (calibrate --only fill)");
    Calibration cal = base.withReplay(base.replay().withFill(measureFill(base.replay())), n);
    cal.write(opt.outDir());
    if (spec.tpcCount() == dev.tpcCount()) replayCheck(cal);
    return cal;
  }

  private void warmUp() {
    // Let clocks ramp and the JIT-compiled module settle before anything is timed.
    long until = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < until) eng.runTimed(LibraryLaunch.fma(256, 8, 1024), 0, 8 * dev.smCount * 8, all);
  }

  private double medianMs(LibraryLaunch w, int count, TpcSet mask, double[] spanOut) {
    double[] t = new double[opt.reps()], span = new double[opt.reps()];
    for (int i = 0; i < t.length; i++) {
      AtomEngine.Timed r = eng.runTimed(w, 0, count, mask);
      if (r.claimed() != count) throw new IllegalStateException("atom ran " + r.claimed() + " of " + count + " blocks");
      t[i] = r.eventMs();
      span[i] = r.spanMs();
    }
    if (spanOut != null) spanOut[0] = median(span);
    return median(t);
  }

  /** Time of one wave on all TPCs: runs of 4 and 12 waves, differenced so fixed costs cancel. */
  private double waveUs(LibraryLaunch w) { return waveUs(w, all); }

  /**
   * Time of one wave on {@code mask}, from runs of 4 and 12 waves; short waves get more (so the
   * difference spans at least 300 µs and event-timing noise stays small against it).
   */
  private double waveUs(LibraryLaunch w, TpcSet mask) {
    int wave = mask.size() * 2 * w.blocksPerSm();
    double t4 = medianMs(w, 4 * wave, mask, null) * 1000;
    int many = 12;
    double tMany = medianMs(w, many * wave, mask, null) * 1000;
    if (tMany - t4 < 300) {
      many = 4 + (int) Math.min(400, Math.ceil(8 * 300 / Math.max(1.0, tMany - t4)));
      tMany = medianMs(w, many * wave, mask, null) * 1000;
    }
    double us = Math.max(0, (tMany - t4) / (many - 4));
    lastFixedUs = t4 - 4 * us;
    return us;
  }

  /** What the last {@link #waveUs} run of 4 waves took beyond its waves: launch, ramp and drain. */
  private double lastFixedUs;
  private double atomFixedUs = Double.NaN;

  /**
   * Per-unit costs for trace replay (all at 2048 threads per SM, on all TPCs): FMA cost per
   * thread-iteration and per logical block from 256-thread blocks; the relative cost of other
   * block sizes; and mixed-kernel wave times against float4 copied per SM.
   */
  private ReplayCosts measureReplayCosts() {
    int b = 8, t = 256;
    try (Csv csv = new Csv(opt.outDir().resolve("replay_costs.csv"), "kernel", "blocksPerSm", "threadsPerBlock",
        "itersPerBlock", "elemsPerBlock", "waveUs", "modelUs", "role")) {
      int[] itersList = {0, 256, 2048, 8192};
      double[] wu = new double[itersList.length];
      double[] fixed = new double[itersList.length];
      for (int i = 0; i < itersList.length; i++) {
        wu[i] = waveUs(LibraryLaunch.fma(t, b, itersList[i]));
        fixed[i] = lastFixedUs;
      }
      atomFixedUs = median(fixed);
      double slope = slope(itersList, wu), intercept = Arrays.stream(wu).average().orElseThrow()
          - slope * Arrays.stream(itersList).average().orElseThrow();
      double nsPerThreadIter = slope * 1000.0 / (b * t);
      double overheadUs = Math.max(0, intercept);
      ReplayCosts base = new ReplayCosts(nsPerThreadIter, overheadUs, b * t, 8, List.of(), List.of());
      for (int i = 0; i < itersList.length; i++) csv.row("fma", b, t, itersList[i], 0, wu[i], base.blockUs(itersList[i]), "fit");

      List<ReplayCosts.ShapeFactor> shapes = new ArrayList<>(List.of(new ReplayCosts.ShapeFactor(t, 1.0)));
      for (int[] shape : new int[][] {{32, 64}, {16, 128}, {4, 512}, {2, 1024}}) {
        int iters = 2048;
        double us = waveUs(LibraryLaunch.fma(shape[1], shape[0], iters));
        double factor = (us - overheadUs) / (iters * (double) b * t * nsPerThreadIter / 1000.0);
        shapes.add(new ReplayCosts.ShapeFactor(shape[1], factor));
        csv.row("fma", shape[0], shape[1], iters, 0, us, base.blockUs(iters), "shape x" + String.format("%.3f", factor));
      }

      // Mixed: copy time alone, and the compute branch from two iteration counts where arithmetic
      // dominates the copy; the points in between (2048 iterations, and held-out ones) fit the overlap.
      // Measured on a quarter of the TPCs, where DRAM is not the limit: replay gets the uncontended
      // costs, and contention comes from the real traffic, as in the model.
      TpcSet part = TpcSet.range(0, Math.max(1, dev.tpcCount() / 4));
      List<ReplayCosts.MixedPoint> mixed = new ArrayList<>();
      List<double[]> overlapObs = new ArrayList<>(); // {iters, elemsPerSm, waveUs}
      double fmaIterUs = b * t * nsPerThreadIter / 1000.0;
      for (int elems : new int[] {256, 1024, 4096, 16384}) {
        double mem = waveUs(LibraryLaunch.stream(t, b, elems), part);
        // Two iteration counts where arithmetic takes at least twice the copy, close to the range
        // replay uses, so the intercept is not a long extrapolation.
        int lowIters = (int) Math.max(512, Math.ceil(2 * mem / fmaIterUs)), highIters = 4 * lowIters;
        double lowUs = waveUs(LibraryLaunch.mixed(t, b, lowIters, elems), part);
        double highUs = waveUs(LibraryLaunch.mixed(t, b, highIters, elems), part);
        double perIter = (highUs - lowUs) / (highIters - lowIters);
        mixed.add(new ReplayCosts.MixedPoint((double) b * elems, mem, lowUs - lowIters * perIter, perIter));
        for (int iters : new int[] {lowIters / 4, lowIters / 2}) {
          overlapObs.add(new double[] {iters, (double) b * elems, waveUs(LibraryLaunch.mixed(t, b, iters, elems), part)});
        }
        csv.row("stream", b, t, 0, elems, mem, mem, "mixed point");
        csv.row("mixed", b, t, lowIters, elems, lowUs, Double.NaN, "mixed point");
        csv.row("mixed", b, t, highIters, elems, highUs, Double.NaN, "mixed point");
      }
      int[][] held = {{512, 512}, {1024, 2048}, {4096, 1024}, {2048, 8192}, {256, 4096}, {1024, 12288}};
      for (int[] c : held) overlapObs.add(new double[] {c[0], (double) b * c[1], waveUs(LibraryLaunch.mixed(t, b, c[0], c[1]), part)});
      double bestP = 8, bestErr = Double.MAX_VALUE;
      for (double p : new double[] {1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 64}) {
        ReplayCosts trial = new ReplayCosts(nsPerThreadIter, overheadUs, b * t, p, shapes, mixed);
        double err = 0;
        for (double[] o : overlapObs) err += Math.pow(Math.log(trial.mixedWaveUs((int) o[0], o[1], t) / o[2]), 2);
        if (err < bestErr) { bestErr = err; bestP = p; }
      }
      ReplayCosts costs = new ReplayCosts(nsPerThreadIter, overheadUs, b * t, bestP, shapes, mixed);
      for (int i = 0; i < overlapObs.size(); i++) {
        double[] o = overlapObs.get(i);
        csv.row("mixed", b, t, (int) o[0], (int) (o[1] / b), o[2], costs.mixedWaveUs((int) o[0], o[1], t),
            i < 2 * mixed.size() ? "overlap fit" : "check");
      }
      log.printf("replay costs: %.5f ns per thread-iteration per SM, %.2f us per logical block, copy/compute overlap p=%.1f, "
          + "%.1f us per atom kernel beyond its waves; shapes %s%n",
          costs.fmaNsPerThreadIter(), costs.blockOverheadUs(), costs.overlapP(), atomFixedUs, shapes);
      return costs;
    }
  }

  /**
   * The fill curve ({@link ReplayCosts.FillPoint}): FMA atoms of 1/8 to 6 waves' worth of blocks,
   * for four block sizes, on all and on half the TPCs, each with blocks of ~25 and ~100 µs at full
   * residency (by the calibrated costs); event time against block time gives the point's fixed
   * part and span. Points with the same effective waves (busiest SM) are merged by median.
   */
  private List<ReplayCosts.FillPoint> measureFill(ReplayCosts costs) {
    double[] waveList = {0.125, 0.25, 0.375, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 6};
    int[][] shapes = {{64, 32}, {128, 16}, {256, 8}, {1024, 2}};
    TpcSet[] masks = {all, TpcSet.range(0, dev.tpcCount() / 2)};
    List<ReplayCosts.FillPoint> out = new ArrayList<>();
    try (Csv csv = new Csv(opt.outDir().resolve("fill.csv"), "threadsPerBlock", "blocksPerSm", "tpcs", "waves", "effectiveWaves",
        "blocks", "itersShort", "itersLong", "blockShortUs", "blockLongUs", "eventShortUs", "eventLongUs", "fixedUs", "spanWaves",
        "modeledWaves")) {
      for (int[] sh : shapes) {
        int t = sh[0], b = sh[1], onSm = b * t;
        int itShort = costs.itersFor(25, onSm, t), itLong = costs.itersFor(100, onSm, t);
        double bShort = costs.blockUs(itShort, onSm, t), bLong = costs.blockUs(itLong, onSm, t);
        TreeMap<Double, List<double[]>> byWaves = new TreeMap<>();
        for (TpcSet mask : masks) {
          int sms = mask.size() * dev.smCount / dev.tpcCount();
          for (double wv : waveList) {
            int blocks = (int) Math.max(1, Math.round(wv * sms * b));
            double eff = ReplayCosts.effectiveWaves(blocks, sms, b);
            double eShort = medianMs(LibraryLaunch.fma(t, b, itShort), blocks, mask, null) * 1000;
            double eLong = medianMs(LibraryLaunch.fma(t, b, itLong), blocks, mask, null) * 1000;
            double span = (eLong - eShort) / (bLong - bShort), fixed = eShort - span * bShort;
            byWaves.computeIfAbsent(Math.round(eff * 1e6) / 1e6, k -> new ArrayList<>()).add(new double[] {fixed, span});
            csv.row(t, b, mask.size(), (double) blocks / (sms * b), eff, blocks, itShort, itLong, bShort, bLong, eShort, eLong,
                fixed, span, Math.ceil(eff - 1e-9));
          }
        }
        byWaves.forEach((w, pts) -> out.add(new ReplayCosts.FillPoint(t, w,
            median(pts.stream().mapToDouble(p -> p[0]).toArray()), Math.max(1e-3, median(pts.stream().mapToDouble(p -> p[1]).toArray())))));
      }
    }
    ReplayCosts withFill = costs.withFill(out);
    log.printf("fill: an atom of 256-thread FMA blocks of B us (at full residency) takes %s us at 1/4, 1/2, 1 and 4 waves (modeled: launch "
        + "overhead + B, B, B, 4 B) (fill.csv)%n",
        DoubleStream.of(0.25, 0.5, 1, 4).mapToObj(w -> {
          ReplayCosts.FillPoint p = withFill.fillAt(256, w);
          return String.format("%.1f + %.2f B", p.fixedUs(), p.spanWaves());
        }).toList());
    return out;
  }

  static double[] solve3(double[][] a, double[] b) {
    double[][] m = new double[3][4];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(a[i], 0, m[i], 0, 3);
      m[i][3] = b[i];
    }
    for (int c = 0; c < 3; c++) {
      int p = c;
      for (int r = c + 1; r < 3; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
      double[] tmp = m[c]; m[c] = m[p]; m[p] = tmp;
      for (int r = 0; r < 3; r++) {
        if (r == c) continue;
        double f = m[r][c] / m[c][c];
        for (int k = c; k < 4; k++) m[r][k] -= f * m[c][k];
      }
    }
    return new double[] {m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]};
  }

  /**
   * {all-TPC GB/s, 1-TPC GB/s} of the streaming copy (read + write bytes), from the time per wave
   * (4 against 12 waves), so launch, ramp and drain do not count against the bandwidth.
   */
  private double[] measureBandwidth() {
    int elems = 8192;
    LibraryLaunch w = LibraryLaunch.stream(256, 8, elems);
    double waveBytes = (double) dev.smCount * 8 * elems * LibraryLaunch.BYTES_PER_ELEM;
    double allUs = waveUs(w), oneUs = waveUs(w, TpcSet.range(0, 1));
    double gbps = waveBytes / (allUs * 1000), oneGbps = waveBytes / dev.tpcCount() / (oneUs * 1000);
    int blocks = 12 * dev.smCount * 8;
    double plainMs = median(IntStream.range(0, opt.reps())
        .mapToDouble(i -> eng.runPlainTimed(LibKernel.STREAM_PLAIN, blocks, 1, 256, elems)).toArray());
    double plainGbps = 12 * waveBytes / (plainMs * 1e6);
    try (Csv csv = new Csv(opt.outDir().resolve("bandwidth.csv"), "kernel", "tpcs", "bytes", "latencyUs", "bandwidthGBps", "method")) {
      csv.row("stream_atom", dev.tpcCount(), (long) waveBytes, allUs, gbps, "per wave (12 - 4 waves)");
      csv.row("stream_atom", 1, (long) (waveBytes / dev.tpcCount()), oneUs, oneGbps, "per wave (12 - 4 waves)");
      csv.row("stream_plain", dev.tpcCount(), (long) (12 * waveBytes), plainMs * 1000, plainGbps, "whole kernel, event-timed");
    }
    log.printf("bandwidth: %.0f GB/s on all TPCs (plain kernel, whole: %.0f), %.1f GB/s on one TPC%n", gbps, plainGbps, oneGbps);
    return new double[] {gbps, oneGbps};
  }

  /**
   * The per-SM bandwidth cap that makes the modeled GPU's rule, min(SMs x cap, total), fit the
   * streaming kernel's latency on 1..all TPCs best (relative error; the atom's fixed cost added).
   * One TPC alone pulls more per SM than each of many do, so the 1-TPC figure would overstate it.
   */
  private double fitSmBandwidth(Calibration.KernelFit stream, double totalGBps) {
    double bytes = 4.0 * dev.smCount * 8 * 8192 * LibraryLaunch.BYTES_PER_ELEM; // the scan's kernel
    double fixedUs = Double.isNaN(atomFixedUs) ? 0 : atomFixedUs;
    double best = Double.NaN, bestErr = Double.MAX_VALUE;
    for (double cap = 5; cap <= 300; cap += 0.5) {
      double err = 0;
      for (int i = 0; i < stream.tpcs().length; i++) {
        double gbps = Math.min(stream.tpcs()[i] * 2 * cap, totalGBps);
        double predictedMs = (bytes / (gbps * 1e6)) + fixedUs / 1000;
        err += Math.pow(Math.log(predictedMs / stream.latencyMs()[i]), 2);
      }
      if (err < bestErr) { bestErr = err; best = cap; }
    }
    log.printf("per-SM bandwidth cap fitted to the streaming scan: %.1f GB/s (rms error %.1f%%)%n", best,
        100 * Math.sqrt(bestErr / stream.tpcs().length));
    return best;
  }

  private int[] tpcCounts() {
    int n = dev.tpcCount();
    return IntStream.concat(Arrays.stream(opt.tpcCounts()).filter(t -> t >= 1 && t < n), IntStream.of(n)).distinct().sorted().toArray();
  }

  /** Each library kernel's latency on 1..all TPCs, and its m/n + b fit. */
  private List<Calibration.KernelFit> scalingScans() {
    int blocks = 4 * dev.smCount * 8;
    record Cfg(String name, String config, LibraryLaunch w) {}
    List<Cfg> cfgs = List.of(
        new Cfg("fma", "fma_atom 8x256 threads/SM, 1024 iters/block, " + blocks + " blocks", LibraryLaunch.fma(256, 8, 1024)),
        new Cfg("stream", "stream_atom 8x256 threads/SM, 256 KiB/block, " + blocks + " blocks", LibraryLaunch.stream(256, 8, 8192)),
        new Cfg("mixed", "mixed_atom 8x256 threads/SM, 512 iters + 64 KiB/block, " + blocks + " blocks", LibraryLaunch.mixed(256, 8, 512, 2048)));
    int[] tpcs = tpcCounts();
    List<Calibration.KernelFit> fits = new ArrayList<>();
    try (Csv csv = new Csv(opt.outDir().resolve("scaling.csv"), "kernel", "tpcs", "latencyMs", "gpuSpanMs", "bandwidthGBps",
        "fitMs", "fitRelErr", "twoPointMs")) {
      for (Cfg c : cfgs) {
        double[] lat = new double[tpcs.length], span = new double[tpcs.length];
        for (int i = 0; i < tpcs.length; i++) {
          double[] s = new double[1];
          lat[i] = medianMs(c.w(), blocks, TpcSet.range(0, tpcs[i]), s);
          span[i] = s[0];
        }
        ScalingFit f = ScalingFit.fit(tpcs, lat);
        double bytes = (double) blocks * c.w().blockDramBytes();
        for (int i = 0; i < tpcs.length; i++) {
          csv.row(c.name(), tpcs[i], lat[i], span[i], bytes > 0 ? bytes / (lat[i] * 1e6) : Double.NaN,
              f.predict(tpcs[i]), (f.predict(tpcs[i]) - lat[i]) / lat[i], f.twoPointM() / tpcs[i] + f.twoPointB());
        }
        fits.add(new Calibration.KernelFit(c.name(), c.config(), tpcs, lat, f.m(), f.b(), f.maxRelErr(), f.rmsRelErr(), f.twoPointMaxRelErr()));
        log.printf("%-6s m/n+b: m=%.4f ms b=%.4f ms, max err %.1f%% (rms %.1f%%), two-point fit max err %.1f%%%n",
            c.name(), f.m(), f.b(), 100 * f.maxRelErr(), 100 * f.rmsRelErr(), 100 * f.twoPointMaxRelErr());
      }
    }
    return fits;
  }

  /**
   * {launch call to first block start, µs (median); host cost of one atom launch call, µs;
   * completion seen after the first block started, µs}.
   */
  private double[] measureLaunchOverhead() {
    eng.calibrateClock(); // fresh GPU-to-host clock offset: launch-to-start is a difference of the two clocks
    LibraryLaunch empty = LibraryLaunch.fma(256, 8, 0);
    int n = 300;
    double[] toStart = new double[n], roundTrip = new double[n], call = new double[n];
    for (int i = 0; i < n + 20; i++) {
      long c0 = System.nanoTime();
      AtomEngine.Pending p = eng.launch(empty, 0, 1, all, dev.leastPriority, null);
      long c1 = System.nanoTime();
      eng.await(p);
      long seen = System.nanoTime();
      if (i >= 20) {
        toStart[i - 20] = (p.startHostNs() - p.launchNs) / 1000.0;
        roundTrip[i - 20] = (seen - p.launchNs) / 1000.0;
        call[i - 20] = (c1 - c0) / 1000.0;
      }
    }
    int burst = 2000;
    long t0 = System.nanoTime();
    for (int i = 0; i < burst; i++) eng.launch(empty, 0, 1, all, dev.leastPriority, null);
    long t1 = System.nanoTime();
    eng.drain();
    long t2 = System.nanoTime();
    double burstCallUs = (t1 - t0) / 1000.0 / burst, drainUs = (t2 - t0) / 1000.0 / burst;
    double apiUs = median(call);
    double plainApiUs = eng.plainLaunchApiUs(burst);
    double l2s = median(toStart), rt = median(roundTrip);
    try (Csv csv = new Csv(opt.outDir().resolve("launch_overhead.csv"), "metric", "us", "note")) {
      csv.row("launch_to_first_block_median", l2s, "atom kernel, 1 block, GPU idle; +-" + String.format("%.1f", eng.clockUncertaintyUs()) + " us clock sync");
      csv.row("launch_to_first_block_p90", percentile(toStart, 0.9), "");
      csv.row("launch_to_completion_seen_median", rt, "host launch call until the host saw the completion");
      csv.row("atom_launch_call", apiUs, "host time of one atom launch (JCuda, parameters packed in Java), GPU idle, median");
      csv.row("atom_launch_call_in_burst", burstCallUs, "the same, " + burst + " launches back to back (driver queues fill up)");
      csv.row("plain_launch_call_in_burst", plainApiUs, "host time per cuLaunchKernel of a plain 1-block kernel, " + burst + " back to back");
      csv.row("atom_burst_per_launch", drainUs, burst + " atoms launched back to back until all completed, per atom");
    }
    log.printf("launch: %.1f us to first block, %.1f us until completion seen, %.2f us per atom launch call (plain %.2f)%n",
        l2s, rt, apiUs, plainApiUs);
    return new double[] {l2s, apiUs, rt - l2s};
  }

  static double percentile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
  }

  /**
   * Time per atom: one kernel's blocks cut into k atoms (each still at least a full wave), run
   * back to back on one stream, against the same blocks as k plain launches and as one plain
   * launch. Also: k atoms launched at once, and a grid factor of 2.
   */
  private double measureAtomOverhead(ReplayCosts costs) {
    int wave = dev.smCount * 8, waves = 64, blocks = waves * wave;
    int[] ks = {1, 2, 4, 8, 16, 32, 64};
    double perAtom16 = Double.NaN;
    try (Csv csv = new Csv(opt.outDir().resolve("atom_overhead.csv"), "kernel", "mode", "gridFactor", "atoms", "blocks",
        "latencyMs", "gpuSpanMs", "usPerAtomVsPlain1", "usPerAtomVsPlainK")) {
      for (String kernel : List.of("fma", "stream")) {
        boolean fma = kernel.equals("fma");
        LibraryLaunch w = fma ? LibraryLaunch.fma(256, 8, 256) : LibraryLaunch.stream(256, 8, 1024);
        LibKernel plain = fma ? LibKernel.FMA_PLAIN : LibKernel.STREAM_PLAIN;
        int param = fma ? 256 : 1024;
        double plain1 = median(IntStream.range(0, opt.reps()).mapToDouble(i -> eng.runPlainTimed(plain, blocks, 1, 256, param)).toArray());
        for (int k : ks) {
          double plainK = median(IntStream.range(0, opt.reps()).mapToDouble(i -> eng.runPlainTimed(plain, blocks, k, 256, param)).toArray());
          csv.row(kernel, "plain-serial", 1.0, k, blocks, plainK, Double.NaN, (plainK - plain1) * 1000 / k, 0.0);
          double[] ev = new double[opt.reps()], sp = new double[opt.reps()];
          for (int r = 0; r < opt.reps(); r++) {
            AtomEngine.Timed t = eng.runAtomsTimed(w, 0, blocks, k, all, true);
            ev[r] = t.eventMs();
            sp[r] = t.spanMs();
          }
          double atomK = median(ev);
          csv.row(kernel, "atom-serial", eng.gridFactor(), k, blocks, atomK, median(sp), (atomK - plain1) * 1000 / k, (atomK - plainK) * 1000 / k);
          if (fma && k == 16) perAtom16 = (atomK - plain1) * 1000 / k;
          for (int r = 0; r < opt.reps(); r++) sp[r] = eng.runAtomsTimed(w, 0, blocks, k, all, false).spanMs();
          csv.row(kernel, "atom-concurrent", eng.gridFactor(), k, blocks, Double.NaN, median(sp), Double.NaN, Double.NaN);
        }
        double gf = eng.gridFactor();
        eng.setGridFactor(2.0);
        for (int k : new int[] {1, 16}) {
          double[] ev = new double[opt.reps()];
          for (int r = 0; r < opt.reps(); r++) ev[r] = eng.runAtomsTimed(w, 0, blocks, k, all, true).eventMs();
          csv.row(kernel, "atom-serial", 2.0, k, blocks, median(ev), Double.NaN, (median(ev) - plain1) * 1000 / k, Double.NaN);
        }
        eng.setGridFactor(gf);
      }
    }
    log.printf("atom overhead: %.1f us per atom (FMA kernel cut into 16 serial atoms, against one plain launch)%n", perAtom16);
    return perAtom16;
  }

  /** Board power (NVML energy counter) idle, with FMA on n TPCs, and with stream/mixed on all. */
  private Calibration.Power measurePower(ReplayCosts costs, double bwGBps, double deepIdleW) {
    double limitW = nvml.powerLimitW();
    double seconds = opt.powerSeconds();
    try (Csv csv = new Csv(opt.outDir().resolve("power.csv"), "kernel", "tpcs", "seconds", "meanPowerW", "sampledPowerW",
        "smClockMhz", "memClockMhz", "gpuUtilPct", "memUtilPct")) {
      csv.row("idle-before-work", 0, 1.0, deepIdleW, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      // Idle between kernels: nothing of ours runs, clocks still up after the work above.
      sleepMs(300);
      long a = System.nanoTime();
      sleepMs((long) (seconds * 1000));
      long b = System.nanoTime();
      double idle = sampler.meanPowerW(a, b);
      csv.row("idle", 0, seconds, idle, sampler.mean(a, b, NvmlSampler.Sample::powerW), sampler.mean(a, b, s -> s.smMhz()),
          sampler.mean(a, b, s -> s.memMhz()), sampler.mean(a, b, s -> s.gpuUtilPct()), sampler.mean(a, b, s -> s.memUtilPct()));
      int[] ns = IntStream.of(4, 8, 16, 33, 50, dev.tpcCount()).filter(n -> n <= dev.tpcCount()).distinct().toArray();
      double[] fmaW = new double[ns.length];
      double clockAtFull = Double.NaN;
      int iters = 8192;
      double blockUs = costs.blockUs(iters);
      for (int i = 0; i < ns.length; i++) {
        int blocks = (int) Math.min(Integer.MAX_VALUE / 4, seconds * 1e6 / blockUs * ns[i] * 2 * 8);
        double[] r = powerRun(LibraryLaunch.fma(256, 8, iters), blocks, TpcSet.range(0, ns[i]));
        fmaW[i] = r[0];
        if (ns[i] == dev.tpcCount()) clockAtFull = r[2];
        csv.row("fma", ns[i], r[5], r[0], r[1], r[2], r[3], r[4], r[6]);
      }
      // Streaming and mixed on all TPCs for as long.
      int elems = 8192;
      long streamBlocks = (long) (seconds * bwGBps * 1e9 / (elems * LibraryLaunch.BYTES_PER_ELEM));
      double[] st = powerRun(LibraryLaunch.stream(256, 8, elems), (int) Math.min(Integer.MAX_VALUE / 4, streamBlocks), all);
      csv.row("stream", dev.tpcCount(), st[5], st[0], st[1], st[2], st[3], st[4], st[6]);
      double mixedBlockUs = Math.max(costs.blockUs(512), 2048.0 * 32 * 8 * dev.smCount / (bwGBps * 1000));
      int mixedBlocks = (int) Math.min(Integer.MAX_VALUE / 4, seconds * 1e6 / mixedBlockUs * dev.smCount * 8);
      double[] mx = powerRun(LibraryLaunch.mixed(256, 8, 512, 2048), mixedBlocks, all);
      csv.row("mixed", dev.tpcCount(), mx[5], mx[0], mx[1], mx[2], mx[3], mx[4], mx[6]);

      double slope = slope(ns, fmaW);
      double maxW = Math.max(fmaW[fmaW.length - 1], Math.max(st[0], mx[0]));
      double tpcShare = Math.min(1, Math.max(0, (fmaW[fmaW.length - 1] - idle) / (maxW - idle)));
      log.printf("power: idle %.0f W, FMA on all TPCs %.0f W (%.2f W per TPC), stream %.0f W, mixed %.0f W, limit %.0f W%n",
          idle, fmaW[fmaW.length - 1], slope, st[0], mx[0], limitW);
      notes.add(String.format("power: FMA on all TPCs %.0f W, streaming copy %.0f W, mixed %.0f W; maxW is the highest, "
          + "tpcShare = (FMA - idle) / (maxW - idle), dramShare = 1 - tpcShare", fmaW[fmaW.length - 1], st[0], mx[0]));
      return new Calibration.Power(idle, deepIdleW, maxW, tpcShare, 1 - tpcShare, slope, limitW, clockAtFull, true);
    }
  }

  /** {mean W (energy counter), sampled W, SM MHz, mem MHz, GPU util %, seconds, mem util %} over the steady part of one run. */
  private double[] powerRun(LibraryLaunch w, int blocks, TpcSet mask) {
    AtomEngine.Pending p = eng.launch(w, 0, blocks, mask, dev.leastPriority, null);
    long t0 = System.nanoTime();
    sleepMs((long) Math.min(400, opt.powerSeconds() * 300)); // skip the ramp: NVML's power readings lag the load
    long a = System.nanoTime();
    eng.await(p);
    long b = System.nanoTime() - 30_000_000L;
    return new double[] {sampler.meanPowerW(a, b), sampler.mean(a, b, NvmlSampler.Sample::powerW), sampler.mean(a, b, s -> s.smMhz()),
        sampler.mean(a, b, s -> s.memMhz()), sampler.mean(a, b, s -> s.gpuUtilPct()), (System.nanoTime() - t0) / 1e9,
        sampler.mean(a, b, s -> s.memUtilPct())};
  }

  static double slope(int[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElse(0), my = Arrays.stream(y).average().orElse(0), sxy = 0, sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx > 0 ? sxy / sxx : Double.NaN;
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Modeled kernels of different shapes for the replay check (H100-sized grids: whole waves). */
  public static List<Kernel> replayCheckKernels() {
    return List.of(
        new Kernel("compute_b16", 8448, 128, 32, 0, new WorkProfile(100, 0, 1.0)),
        new Kernel("compute_b2_1024thr", 1320, 1024, 32, 0, new WorkProfile(150, 0, 1.0)),
        new Kernel("compute_b32_64thr", 33792, 64, 32, 0, new WorkProfile(40, 0, 1.0)),
        new Kernel("gemm_like_b4", 2640, 256, 64, 0, new WorkProfile(60, 32 * 1024, 0.9)),
        new Kernel("mixed_b8", 8448, 256, 32, 0, new WorkProfile(30, 96 * 1024, 0.5)),
        new Kernel("elementwise_b8", 16384, 256, 16, 0, new WorkProfile(5, 128 * 1024, 0.1)));
  }

  /** Replays modeled kernels (sized for full residency, as the backend launches them by default) and compares with the calibrated model. */
  private void replayCheck(Calibration cal) {
    GpuSpec s = cal.apply(spec);
    ReplayMapper mapper = new ReplayMapper(s, cal.replay());
    int n = dev.tpcCount();
    int[] tpcs = IntStream.of(n, n / 2, n / 8).distinct().toArray();
    double worstFull = 0, worstFullAtom = 0;
    try (Csv csv = new Csv(opt.outDir().resolve("replay_check.csv"), "kernel", "blocks", "blocksPerSm", "blockComputeUs",
        "blockDramBytes", "libKernel", "threads", "iters", "elems", "tpcs", "idealUs", "modeledUs", "measuredUs", "errPct",
        "modeledWithAtomCostUs", "errWithAtomCostPct")) {
      for (Kernel k : replayCheckKernels()) {
        LibraryLaunch w = mapper.map(k); // what CudaBackend launches (full-residency sizing)
        for (int t : tpcs) {
          // What the modeled GPU gives for the kernel alone: launch overhead, then its ideal latency.
          double ideal = k.idealLatencyUs(s, t);
          double predicted = ideal + s.launchOverheadUs();
          double measured = medianMs(w, k.blocks(), TpcSet.range(0, t), null) * 1000;
          double err = (measured - predicted) / predicted;
          // The same with the fixed cost every atom kernel has beyond its waves (the model has only launch overhead).
          double withAtom = ideal + cal.atomFixedUs(), errAtom = (measured - withAtom) / withAtom;
          if (t == n) {
            worstFull = Math.max(worstFull, Math.abs(err));
            worstFullAtom = Math.max(worstFullAtom, Math.abs(errAtom));
          }
          csv.row(k.name(), k.blocks(), k.blocksPerSm(s), k.work().blockComputeUs(), k.work().blockDramBytes(), w.kernel().symbol,
              w.threadsPerBlock(), w.iters(), w.elems(), t, ideal, predicted, measured, 100 * err, withAtom, 100 * errAtom);
        }
      }
    }
    log.printf("replay check: worst full-GPU error %.1f%% against the model with launch overhead, %.1f%% with the atom's "
        + "fixed cost (replay_check.csv)%n", 100 * worstFull, 100 * worstFullAtom);
    replayAtomCheck(s, mapper);
  }

  /**
   * Replays atoms of the check kernels, 1/4 to 2.5 waves' worth of blocks on 66/33/8 TPCs (scaled
   * to this GPU), sized by the fill curve ({@link ReplayMapper#mapAtom}) and as whole kernels are
   * ({@link ReplayMapper#map}), against the modeled GPU's time for the atom alone.
   */
  private void replayAtomCheck(GpuSpec s, ReplayMapper mapper) {
    int n = dev.tpcCount();
    int[] tpcs = IntStream.of(n, n / 2, Math.max(1, n / 8)).distinct().toArray();
    double[] waveList = {0.25, 0.5, 1, 1.5, 2.5};
    double[] errFill = {0, 0}, errFull = {0, 0}; // sum of |err|, count
    try (Csv csv = new Csv(opt.outDir().resolve("replay_atoms.csv"), "kernel", "tpcs", "waves", "blocks", "libKernel", "threads",
        "itersFull", "itersFill", "modeledUs", "measuredFillUs", "errFillPct", "measuredFullResidencyUs", "errFullResidencyPct")) {
      for (Kernel k : replayCheckKernels()) {
        LibraryLaunch full = mapper.map(k);
        if (full.iters() == 0) continue; // streaming blocks are not resized
        for (int t : tpcs) {
          for (double wv : waveList) {
            int blocks = (int) Math.max(1, Math.round(wv * k.waveSize(s, t)));
            double modeled = mapper.modeledAtomUs(k, blocks, t);
            LibraryLaunch fill = mapper.mapAtom(full, blocks, t, modeled);
            double mFill = medianMs(fill, blocks, TpcSet.range(0, t), null) * 1000;
            double mFull = medianMs(full, blocks, TpcSet.range(0, t), null) * 1000;
            double eFill = (mFill - modeled) / modeled, eFull = (mFull - modeled) / modeled;
            errFill[0] += Math.abs(eFill); errFill[1]++;
            errFull[0] += Math.abs(eFull); errFull[1]++;
            csv.row(k.name(), t, (double) blocks / k.waveSize(s, t), blocks, full.kernel().symbol, full.threadsPerBlock(),
                full.iters(), fill.iters(), modeled, mFill, 100 * eFill, mFull, 100 * eFull);
          }
        }
      }
    }
    log.printf("replay of atoms: mean |error| %.1f%% sized by the fill curve, %.1f%% sized for full residency (replay_atoms.csv)%n",
        100 * errFill[0] / Math.max(1, errFill[1]), 100 * errFull[0] / Math.max(1, errFull[1]));
  }
}
