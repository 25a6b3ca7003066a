package io.lithosj.backend.cuda;

import io.lithosj.backend.AtomListener;
import io.lithosj.backend.AtomResult;
import io.lithosj.backend.GpuBackend;
import io.lithosj.backend.Telemetry;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.home.LithosHome;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The real GPU behind {@link GpuBackend}: atoms run as TPC-masked library kernels (trace replay
 * of their modeled {@link Kernel}), time is wall time since {@link #open}, and {@link #runUntil}
 * is a single-threaded event loop that polls completions and fires timers, so every callback
 * runs on the thread that called it, exactly as with the modeled GPU.
 *
 * <p>Atom priority maps to CUDA stream priority: {@code <= 0} is the lowest, each step above 0 one
 * level more urgent up to the device's greatest. {@link #setSmClockMhz} is modeled only: it is
 * recorded and reported, never applied (clocks of a shared GPU are not ours to change).
 * Abort is best effort: unstarted logical blocks are dropped, running ones finish (none wasted).
 */
public final class CudaBackend implements GpuBackend {
  /**
   * @param spec            the GPU the scenario names; null = the preset matching the device
   * @param calibrationDir  null = the repository's {@code calibration/<spec id>} ({@link LithosHome}) if it exists, else datasheet costs
   * @param gridFactor      physical blocks per resident slot: 1 = one per slot; 2 (default) keeps as many
   *                        queued, which refill SMs whose blocks yielded to more urgent atoms
   * @param nvmlPeriodMs    NVML sampling period; 0 = no NVML (default 20, or the system property
   *                        {@code lithos.nvmlPeriodMs}, e.g. {@code LITHOS_JAVA_OPTS=-Dlithos.nvmlPeriodMs=0})
   * @param replaySizing    how replayed atoms are sized (default {@link ReplaySizing#ALONE}, or the system
   *                        property {@code lithos.replaySizing}: {@code alone} or {@code full})
   */
  public record Options(int deviceOrdinal, GpuSpec spec, Path calibrationDir, double gridFactor, double nvmlPeriodMs,
                        ReplaySizing replaySizing) {
    public Options(int deviceOrdinal, GpuSpec spec, Path calibrationDir, double gridFactor, double nvmlPeriodMs) {
      this(deviceOrdinal, spec, calibrationDir, gridFactor, nvmlPeriodMs, ReplaySizing.ALONE);
    }

    public static Options defaults() { return new Options(0, null, null, 2.0, nvmlPeriodProperty(), ReplaySizing.property()); }

    private static double nvmlPeriodProperty() {
      String v = System.getProperty("lithos.nvmlPeriodMs", "20");
      try {
        double ms = Double.parseDouble(v);
        if (ms >= 0) return ms;
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("system property lithos.nvmlPeriodMs must be a number >= 0 (ms), was '" + v + "'");
    }
    public Options withSpec(GpuSpec s) { return new Options(deviceOrdinal, s, calibrationDir, gridFactor, nvmlPeriodMs, replaySizing); }
    public Options withCalibrationDir(Path p) { return new Options(deviceOrdinal, spec, p, gridFactor, nvmlPeriodMs, replaySizing); }
  }

  /**
   * How a replayed atom's blocks are sized. {@code ALONE} (default): each FMA atom is sized by the
   * calibrated fill curve to take its modeled time alone on its mask ({@link ReplayMapper#mapAtom}),
   * as the traced kernel did when it was measured; kernel by kernel this agrees best with the model
   * (results/h100-real/alone/kernels.md). {@code FULL_RESIDENCY}: every atom of a kernel gets the
   * block that takes the modeled block time on a full SM ({@link ReplayMapper#map}), so a sub-wave
   * atom alone runs faster than modeled (results/h100-real/kernels.md). Without a fill curve in the
   * calibration, atoms are sized for full residency.
   */
  public enum ReplaySizing {
    FULL_RESIDENCY, ALONE;

    static ReplaySizing property() {
      String v = System.getProperty("lithos.replaySizing", "alone");
      return switch (v) {
        case "full" -> FULL_RESIDENCY;
        case "alone" -> ALONE;
        default -> throw new IllegalArgumentException("system property lithos.replaySizing must be 'full' or 'alone', was '" + v + "'");
      };
    }
  }

  private final CudaDevice device;
  private final KernelLibrary library;
  private final AtomEngine engine;
  private final GpuSpec spec;
  private final ReplayMapper mapper;
  private final ReplaySizing replaySizing;
  private final Map<Kernel, LibraryLaunch> mapped = new HashMap<>();
  private final Map<AtomShape, LibraryLaunch> atomReplays = new HashMap<>();
  private final Map<Long, AtomEngine.Pending> inFlight = new HashMap<>();
  private final Map<Long, Double> launchMsByAtom = new HashMap<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final BusyTime busy;
  private final Nvml nvml;
  private final NvmlSampler sampler;
  private final String nvmlMissing;
  private final long startEnergyMj;
  private final long t0Ns;
  private final String calibrationSource;
  private AtomListener listener = new AtomListener() {
    @Override public void onAtomDone(AtomResult r) {}
  };
  private int smClockMhz;
  private int memoryPartitions;
  private long timerSeq;
  private long blocksRun;
  private long events;
  private Thread loopThread;

  /** When an atom held its TPCs. */

  private record Timer(double atMs, long seq, Runnable action) implements Comparable<Timer> {
    @Override public int compareTo(Timer o) {
      int c = Double.compare(atMs, o.atMs);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private CudaBackend(Options o) {
    device = CudaDevice.open(o.deviceOrdinal());
    try {
      library = new KernelLibrary(device);
      engine = new AtomEngine(device, library);
      engine.setGridFactor(o.gridFactor());
      GpuSpec base = o.spec() != null ? o.spec() : specFor(device);
      if (base.tpcCount() > device.tpcCount()) {
        throw new IllegalArgumentException("GPU '" + base.id() + "' has " + base.tpcCount() + " TPCs but the GPU here ("
            + device.name + ") has " + device.tpcCount());
      }
      Path calDir = o.calibrationDir() != null ? o.calibrationDir() : LithosHome.resolve("calibration").resolve(base.id());
      if (Files.isRegularFile(calDir.resolve(Calibration.FILE))) {
        Calibration cal = Calibration.load(calDir);
        spec = cal.tpcCount() == base.tpcCount() ? cal.apply(base) : base;
        mapper = new ReplayMapper(spec, cal.replayCostsOr(spec));
        calibrationSource = calDir.toString();
      } else if (o.calibrationDir() != null) {
        throw new IllegalArgumentException("no " + Calibration.FILE + " in " + calDir.toAbsolutePath());
      } else {
        spec = base;
        mapper = new ReplayMapper(spec, ReplayCosts.nominal(spec));
        calibrationSource = "datasheet estimate (no " + calDir + ")";
      }
      // Sizing atoms alone needs the fill curve; without it (no or an older calibration) they are sized for full residency.
      replaySizing = o.replaySizing() == ReplaySizing.ALONE && mapper.costs().fill().isEmpty() ? ReplaySizing.FULL_RESIDENCY
          : o.replaySizing();
    } catch (RuntimeException e) {
      device.close();
      throw e;
    }
    smClockMhz = spec.clocks().maxMhz();
    busy = new BusyTime(spec.tpcCount());
    Nvml n = null;
    NvmlSampler s = null;
    String missing = null;
    if (o.nvmlPeriodMs() > 0) {
      try {
        n = Nvml.open(device.pciBusId);
        s = new NvmlSampler(n, o.nvmlPeriodMs());
      } catch (IllegalStateException e) { // includes CudaUnavailableException: NVML missing
        missing = e.getMessage();
        if (n != null) n.close();
        n = null;
      }
    } else {
      missing = "NVML sampling disabled";
    }
    nvml = n;
    sampler = s;
    nvmlMissing = missing;
    startEnergyMj = energyMjOrMinus1();
    t0Ns = System.nanoTime();
  }

  /** Opens the GPU; throws {@link CudaUnavailableException} (one sentence) when there is none. */
  public static CudaBackend open(Options o) { return new CudaBackend(o); }

  /**
   * The GPU for a scenario naming {@code spec} (what the experiment runner calls): device 0,
   * calibration from {@code calibration/<spec id>} when present, NVML sampled every 20 ms.
   */
  public CudaBackend(GpuSpec spec) { this(Options.defaults().withSpec(spec)); }

  /**
   * The preset of the device at hand, or a spec read off the device: its SM count and limits,
   * with GPC layout, bandwidth, clocks and power of the H100 preset until calibrated.
   */
  static GpuSpec specFor(CudaDevice d) {
    GpuSpec p = GpuSpec.presetForDeviceName(d.name); // "NVIDIA H100 80GB HBM3", "NVIDIA H200", "NVIDIA A100-SXM4-40GB"
    if (p != null && d.tpcCount() == p.tpcCount()) return p;
    GpuSpec t = GpuSpec.H100_SXM;
    return new GpuSpec("cuda" + d.ordinal, d.name, new int[] {d.tpcCount()}, 2,
        new GpuSpec.SmLimits(d.maxThreadsPerSm, d.maxBlocksPerSm, 65536, d.maxSmemPerSmBytes),
        t.memBandwidthGBps(), t.smBandwidthGBps(), t.clocks(), t.power(), t.launchOverheadUs(), 1.0, List.of());
  }

  public CudaDevice device() { return device; }
  public AtomEngine engine() { return engine; }
  public ReplayMapper mapper() { return mapper; }
  public String calibrationSource() { return calibrationSource; }
  /** Why there is no NVML telemetry, or null when there is. */
  public String nvmlMissing() { return nvmlMissing; }
  public List<NvmlSampler.Sample> nvmlSamples() { return sampler != null ? sampler.samples() : List.of(); }
  public long hostNsAtZero() { return t0Ns; }

  @Override public GpuSpec spec() { return spec; }

  @Override public double nowMs() { return (System.nanoTime() - t0Ns) / 1e6; }

  private double hostNsToMs(long ns) { return (ns - t0Ns) / 1e6; }

  @Override public void setListener(AtomListener l) { listener = l; }

  private record AtomShape(Kernel kernel, int blocks, int tpcs) {}

  /** The library launch that replays {@code k} here, sized for full residency (an atom's is {@link ReplayMapper#mapAtom}). */
  public LibraryLaunch replayOf(Kernel k) { return mapped.computeIfAbsent(k, mapper::map); }

  /** The library launch that replays {@code atom} here, as {@link ReplaySizing} says. */
  LibraryLaunch replayOf(Atom atom) {
    if (replaySizing == ReplaySizing.FULL_RESIDENCY) return replayOf(atom.kernel());
    return atomReplays.computeIfAbsent(new AtomShape(atom.kernel(), atom.blocks(), atom.tpcs().size()),
        a -> mapper.mapAtom(replayOf(a.kernel()), a.blocks(), a.tpcs(), mapper.modeledAtomUs(a.kernel(), a.blocks(), a.tpcs())));
  }

  @Override public void launch(Atom atom) {
    bindThread();
    LibraryLaunch work = replayOf(atom);
    double launchMs = nowMs();
    AtomEngine.Pending p = engine.launch(work, atom.blockLo(), atom.blocks(), atom.tpcs(), cudaPriority(atom.priority()), atom);
    inFlight.put(atom.id(), p);
    launchMsByAtom.put(atom.id(), launchMs);
  }

  /** Atom priority (higher = more urgent) to a CUDA stream priority (lower = more urgent). */
  public int cudaPriority(int atomPriority) {
    int levels = device.leastPriority - device.greatestPriority;
    return device.leastPriority - Math.max(0, Math.min(levels, atomPriority));
  }

  @Override public void abort(Atom atom) {
    AtomEngine.Pending p = inFlight.get(atom.id());
    if (p != null) {
      bindThread();
      engine.abort(p);
    }
  }

  /**
   * Accepted and recorded, not enforced: without MIG (never reconfigured on a shared host) a real
   * GPU cannot isolate DRAM bandwidth, so a MIG-like policy gets its static TPC split only.
   */
  @Override public void partitionMemory(List<TpcSet> partitions, double[] bandwidthShares) {
    if (partitions.size() != bandwidthShares.length) throw new IllegalArgumentException("one bandwidth share per partition");
    memoryPartitions = partitions.size();
  }

  /** Recorded and reported only; the GPU's clocks are never changed. */
  @Override public void setSmClockMhz(int mhz) { smClockMhz = spec.clocks().clamp(mhz); }

  @Override public int smClockMhz() { return smClockMhz; }

  @Override public void at(double atMs, Runnable action) {
    timers.add(new Timer(atMs, timerSeq++, action));
  }

  @Override public void runUntil(double endMs) {
    bindThread();
    while (true) {
      for (AtomEngine.Pending p : engine.poll()) deliver(p);
      double now = nowMs();
      while (!timers.isEmpty() && timers.peek().atMs() <= now) {
        events++;
        timers.poll().action().run();
      }
      if (now >= endMs) return;
      if (engine.inFlight() == 0) {
        double next = Math.min(endMs, timers.isEmpty() ? endMs : timers.peek().atMs());
        double sleepMs = next - nowMs() - 0.2; // park coarsely, then spin the last 200 µs
        if (sleepMs > 0) LockSupport.parkNanos((long) (sleepMs * 1e6));
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private void deliver(AtomEngine.Pending p) {
    Atom atom = (Atom) p.tag;
    inFlight.remove(atom.id());
    double launchMs = launchMsByAtom.remove(atom.id());
    double now = nowMs();
    double startMs = Math.min(now, Math.max(launchMs, hostNsToMs(p.startHostNs())));
    double endMs = Math.min(now, Math.max(startMs, hostNsToMs(p.endHostNs())));
    blocksRun += p.claimed;
    events++;
    if (p.claimed > 0) busy.add(startMs, endMs, p.mask);
    if (p.complete()) {
      listener.onAtomDone(new AtomResult(atom, launchMs, startMs, endMs));
    } else {
      listener.onAtomAborted(atom, p.claimed, 0);
    }
  }

  /** The context is per thread; follow the thread that drives the backend. */
  private void bindThread() {
    Thread t = Thread.currentThread();
    if (t != loopThread) {
      device.makeCurrent();
      loopThread = t;
    }
  }

  @Override public Telemetry telemetry() {
    long mj = energyMjOrMinus1();
    double energyJ = mj >= 0 && startEnergyMj >= 0 ? (mj - startEnergyMj) / 1000.0 : 0.0;
    return new Telemetry(nowMs(), busy.totalMs(), energyJ, blocksRun, events);
  }

  /** NVML's energy counter in mJ, or -1 without NVML or counter. */
  private long energyMjOrMinus1() {
    if (nvml == null) return -1;
    try {
      return nvml.energyMj();
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  /** Summary of how the backend ran, for logs and result tables. */
  public Map<String, Object> stats() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("device", device.toString());
    m.put("spec", spec.id());
    m.put("calibration", calibrationSource);
    m.put("replaySizing", replaySizing == ReplaySizing.ALONE ? "alone (fill curve)"
        : mapper.costs().fill().isEmpty() ? "full residency (no fill curve calibrated)" : "full residency");
    m.put("kernelLaunches", engine.launches());
    m.put("continuationLaunches", engine.relaunches());
    m.put("streams", engine.streamsCreated());
    m.put("clockSyncUncertaintyUs", engine.clockUncertaintyUs());
    m.put("modeledSmClockMhz", smClockMhz);
    m.put("nvml", nvmlMissing == null ? "sampled" : nvmlMissing);
    if (sampler != null) { // the clock the kernels ran at: read, never set
      sampler.samples().stream().mapToInt(NvmlSampler.Sample::smMhz).filter(v -> v > 0).average()
          .ifPresent(v -> m.put("nvmlMeanSmClockMhz", Math.round(v)));
    }
    if (memoryPartitions > 0) m.put("memoryPartitions", memoryPartitions + " requested, not enforced (TPC split only)");
    return m;
  }

  @Override public void close() {
    if (sampler != null) sampler.close();
    if (nvml != null) nvml.close();
    try {
      engine.close();
      library.unload();
    } finally {
      device.close();
    }
  }

  @Override public String toString() {
    return "CudaBackend[" + device + ", spec " + spec.id() + ", " + Arrays.toString(new int[] {device.leastPriority, device.greatestPriority}) + "]";
  }
}
