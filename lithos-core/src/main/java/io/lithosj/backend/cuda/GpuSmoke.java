package io.lithosj.backend.cuda;

import io.lithosj.backend.AtomListener;
import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.kernel.WorkProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;


/**
 * {@code lithos gpu-smoke}: launches masked atoms of the verification kernel and checks on the
 * real GPU that every logical block ran exactly once and only on an SM of a masked TPC; then
 * that split, concurrent, starved (relaunched) and aborted atoms keep those guarantees, and that
 * {@link CudaBackend} honours the {@link io.lithosj.backend.GpuBackend} contract.
 */
public final class GpuSmoke {
  private final CudaBackend backend;
  private final AtomEngine eng;
  private final CudaDevice dev;
  private final PrintStream log;
  private final Csv csv;
  private final int capacity = 300_000;
  private final DevPtr hits, smids, phys;
  private int failures;

  public GpuSmoke(CudaBackend backend, Path outDir, PrintStream log) {
    this.backend = backend;
    this.eng = backend.engine();
    this.dev = backend.device();
    this.log = log;
    hits = dev.alloc(4L * capacity);
    smids = dev.alloc(4L * capacity);
    phys = dev.alloc(4L * capacity);
    eng.setSmokeBuffers(hits, smids, phys);
    csv = new Csv(outDir.resolve("gpu_smoke.csv"), "test", "passed", "blocks", "detail");
  }

  /** Runs every check; returns the number that failed. */
  public int run() {
    try {
      masks();
      concurrentDisjoint();
      starvedAtomIsRelaunched();
      urgentAtomOutranksRunningOne();
      abort();
      backendContract();
    } finally {
      csv.close();
    }
    log.println(failures == 0 ? "gpu-smoke: all checks passed" : "gpu-smoke: " + failures + " checks FAILED");
    return failures;
  }

  private void record(String test, boolean ok, int blocks, String detail) {
    if (!ok) failures++;
    csv.row(test, ok, blocks, detail);
    log.printf("%-28s %s  %s%n", test, ok ? "ok  " : "FAIL", detail);
  }

  private void reset(int n) {
    dev.fill(hits, 0, n);
    dev.fill(smids, -1, n);
    dev.fill(phys, -1, n);
  }

  private int[] read(DevPtr p, int n) {
    int[] v = new int[n];
    dev.copyToHost(v, p);
    return v;
  }

  /** Checks blocks [lo, hi): hit once, on a TPC of {@code mask}; returns "" or what went wrong. */
  private String verify(int[] h, int[] sm, int lo, int hi, TpcSet mask) {
    int bad = 0, outside = 0;
    for (int i = lo; i < hi; i++) {
      if (h[i] != 1) bad++;
      if (!mask.contains(sm[i] >> 1)) outside++;
    }
    return bad == 0 && outside == 0 ? "" : bad + " blocks not run exactly once, " + outside + " outside the mask";
  }

  /** One atom per mask, covering blocks [0, n): exactly once, only masked TPCs, all masked SMs used. */
  private void masks() {
    int n = 20_000, tpcs = dev.tpcCount();
    Random rnd = new Random(7);
    int[] randomTpcs = rnd.ints(0, tpcs).distinct().limit(Math.min(20, tpcs)).toArray();
    List<TpcSet> masks = new ArrayList<>(List.of(TpcSet.of(0), TpcSet.of(tpcs - 1), TpcSet.range(0, tpcs / 2),
        TpcSet.of(randomTpcs), TpcSet.range(0, tpcs)));
    if (tpcs > 64) masks.add(1, TpcSet.range(64, tpcs)); // only the high word of the mask
    LibraryLaunch w = LibraryLaunch.smoke(128, 8, 2_000);
    for (TpcSet mask : masks) {
      reset(n);
      AtomEngine.Pending p = eng.launch(w, 0, n, mask, dev.leastPriority, null);
      eng.await(p);
      int[] h = read(hits, n), sm = read(smids, n), ph = read(phys, n);
      String err = verify(h, sm, 0, n, mask);
      long smsUsed = Arrays.stream(sm).distinct().count();
      // Physical blocks that ran logical blocks, per SM: the residency the atom achieved.
      int[] perSm = new int[Math.max(256, dev.smCount)];
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < n; i++) if (sm[i] >= 0 && seen.add(((long) sm[i] << 32) | ph[i])) perSm[sm[i]]++;
      int[] used = Arrays.stream(perSm).filter(c -> c > 0).sorted().toArray();
      String detail = String.format("mask %s: %d of %d SMs used, resident blocks per SM min %d max %d, %d relaunches%s",
          mask, smsUsed, mask.size() * 2, used.length > 0 ? used[0] : 0, used.length > 0 ? used[used.length - 1] : 0,
          p.continuations, err.isEmpty() ? "" : "; " + err);
      record("mask " + mask, err.isEmpty() && p.claimed == n && smsUsed == mask.size() * 2L, n, detail);
    }
  }

  /** One launch cut into three atoms on disjoint TPC thirds, all in flight together. */
  private void concurrentDisjoint() {
    int n = 30_000, tpcs = dev.tpcCount();
    reset(n);
    LibraryLaunch w = LibraryLaunch.smoke(128, 8, 20_000); // ~0.6 ms per atom, well above launch gaps
    TpcSet[] parts = {TpcSet.range(0, tpcs / 3), TpcSet.range(tpcs / 3, 2 * tpcs / 3), TpcSet.range(2 * tpcs / 3, tpcs)};
    AtomEngine.Pending[] ps = new AtomEngine.Pending[3];
    for (int i = 0; i < 3; i++) ps[i] = eng.launch(w, i * n / 3, n / 3, parts[i], dev.leastPriority, null);
    for (AtomEngine.Pending p : ps) eng.await(p);
    int[] h = read(hits, n), sm = read(smids, n);
    StringBuilder err = new StringBuilder();
    for (int i = 0; i < 3; i++) err.append(verify(h, sm, i * n / 3, (i + 1) * n / 3, parts[i]));
    long overlapStart = Arrays.stream(ps).mapToLong(p -> p.firstStartGpuNs).max().orElseThrow();
    long overlapEnd = Arrays.stream(ps).mapToLong(p -> p.lastEndGpuNs).min().orElseThrow();
    boolean overlapped = overlapEnd > overlapStart;
    record("concurrent disjoint atoms", err.length() == 0 && overlapped, n, String.format(
        "3 atoms on %s %s %s, ran side by side for %.2f ms%s", parts[0], parts[1], parts[2],
        (overlapEnd - overlapStart) / 1e6, err.length() == 0 ? "" : "; " + err));
  }

  /**
   * An atom masked to TPCs that another atom holds: its physical blocks find only foreign SMs,
   * exit without work, and the engine relaunches the rest until the TPCs free up.
   */
  private void starvedAtomIsRelaunched() {
    int tpcs = dev.tpcCount(), bigN = 200_000, smallN = 500;
    reset(bigN + smallN);
    TpcSet big = TpcSet.range(0, tpcs - 2), small = TpcSet.of(1, 2);
    AtomEngine.Pending holder = eng.launch(LibraryLaunch.smoke(256, 8, 20_000), 0, bigN, big, dev.leastPriority, null);
    sleepMs(2);
    AtomEngine.Pending starved = eng.launch(LibraryLaunch.smoke(256, 8, 2_000), bigN, smallN, small, dev.leastPriority, null);
    eng.await(holder);
    eng.await(starved);
    int[] h = read(hits, bigN + smallN), sm = read(smids, bigN + smallN);
    String err = verify(h, sm, 0, bigN, big) + verify(h, sm, bigN, bigN + smallN, small);
    boolean after = starved.firstStartGpuNs >= holder.firstStartGpuNs;
    record("starved atom relaunched", err.isEmpty() && after, bigN + smallN, String.format(
        "atom on %s behind a %.1f ms atom on %s: %d relaunches, all blocks once%s", small,
        (holder.lastEndGpuNs - holder.firstStartGpuNs) / 1e6, big, starved.continuations, err.isEmpty() ? "" : "; " + err));
  }

  /**
   * Stream priority at block granularity: a long low-priority atom holds every TPC; an urgent
   * atom on 8 of them gets its slots as soon as the running blocks finish (not when the long
   * atom ends), and the long atom's rest is relaunched around it.
   */
  private void urgentAtomOutranksRunningOne() {
    int tpcs = dev.tpcCount(), longN = 100_000, urgentN = 2_000;
    reset(longN + urgentN);
    TpcSet everything = TpcSet.range(0, tpcs), few = TpcSet.range(0, 8);
    AtomEngine.Pending lazy = eng.launch(LibraryLaunch.smoke(256, 8, 50_000), 0, longN, everything, dev.leastPriority, null);
    sleepMs(1);
    AtomEngine.Pending urgent = eng.launch(LibraryLaunch.smoke(256, 8, 20_000), longN, urgentN, few, dev.greatestPriority, null);
    eng.await(urgent);
    long urgentDoneNs = System.nanoTime();
    eng.await(lazy);
    int[] h = read(hits, longN + urgentN), sm = read(smids, longN + urgentN);
    String err = verify(h, sm, 0, longN, everything) + verify(h, sm, longN, longN + urgentN, few);
    double urgentMs = (urgent.lastEndGpuNs - urgent.firstStartGpuNs) / 1e6;
    double waitMs = (urgent.startHostNs() - urgent.launchNs) / 1e6;
    double lazyLeftMs = (lazy.endHostNs() - urgentDoneNs) / 1e6;
    boolean ok = err.isEmpty() && lazyLeftMs > 0.5 && waitMs < 0.5;
    record("priority outranks running", ok, longN + urgentN, String.format(
        "urgent atom on %s started %.3f ms after launch, ran %.2f ms, finished %.2f ms before the %.1f ms low-priority atom "
            + "(%d relaunches of its rest)%s", few, waitMs, urgentMs, lazyLeftMs,
        (lazy.lastEndGpuNs - lazy.firstStartGpuNs) / 1e6, lazy.continuations, err.isEmpty() ? "" : "; " + err));
  }

  /** Abort: blocks claimed before the abort word lands run once, the rest never. */
  private void abort() {
    int n = 100_000;
    reset(n);
    TpcSet mask = TpcSet.range(0, 4);
    AtomEngine.Pending p = eng.launch(LibraryLaunch.smoke(128, 8, 50_000), 0, n, mask, dev.leastPriority, null);
    sleepMs(5);
    long t0 = System.nanoTime();
    eng.abort(p);
    eng.await(p);
    double abortUs = (System.nanoTime() - t0) / 1000.0;
    int[] h = read(hits, n), sm = read(smids, n);
    String err = verify(h, sm, 0, p.claimed, mask);
    int after = 0;
    for (int i = p.claimed; i < n; i++) if (h[i] != 0) after++;
    boolean ok = err.isEmpty() && after == 0 && p.claimed < n && p.claimed > 0;
    record("abort", ok, n, String.format("aborted after 5 ms: %d of %d blocks ran (prefix, once each), %d ran after; "
        + "abort took effect %.0f us after the call%s", p.claimed, n, after, abortUs, err.isEmpty() ? "" : "; " + err));
  }

  /** The GpuBackend contract: callbacks on the runUntil thread, timers not early, sane times, abort. */
  private void backendContract() {
    int tpcs = backend.spec().tpcCount();
    Kernel k = new Kernel("smoke_compute", 2 * tpcs * 2 * 8, 256, 32, 0, new WorkProfile(50, 0, 1.0));
    Kernel longK = new Kernel("smoke_long", 400 * tpcs * 2 * 8, 256, 32, 0, new WorkProfile(50, 0, 1.0));
    KernelLaunch l1 = new KernelLaunch(1, 0, k, 0, 0), l2 = new KernelLaunch(2, 1, longK, 0, 0);
    Thread self = Thread.currentThread();
    List<String> problems = new ArrayList<>();
    List<AtomResult> done = new ArrayList<>();
    int[] aborted = {-1};
    double[] timerLateMs = {0};
    backend.setListener(new AtomListener() {
      @Override public void onAtomDone(AtomResult r) {
        if (Thread.currentThread() != self) problems.add("onAtomDone on another thread");
        if (!(r.launchMs() <= r.startMs() && r.startMs() <= r.endMs() && r.endMs() <= backend.nowMs())) {
          problems.add("times out of order: " + r);
        }
        done.add(r);
      }

      @Override public void onAtomAborted(Atom atom, int completed, int wasted) {
        if (Thread.currentThread() != self) problems.add("onAtomAborted on another thread");
        aborted[0] = completed;
      }
    });
    double t0 = backend.nowMs();
    Atom a = new Atom(1, l1, 0, k.blocks() / 2, TpcSet.range(0, tpcs / 2), 0);
    Atom b = new Atom(2, l1, k.blocks() / 2, k.blocks(), TpcSet.range(tpcs / 2, tpcs), 1);
    Atom c = new Atom(3, l2, 0, longK.blocks(), TpcSet.range(0, tpcs), 0);
    backend.at(t0 + 1, () -> {
      timerLateMs[0] = Math.max(timerLateMs[0], backend.nowMs() - (t0 + 1));
      backend.launch(a);
      backend.launch(b);
    });
    backend.at(t0 + 5, () -> backend.launch(c));
    backend.at(t0 + 8, () -> {
      timerLateMs[0] = Math.max(timerLateMs[0], backend.nowMs() - (t0 + 8));
      backend.abort(c);
    });
    backend.setSmClockMhz(1200);
    backend.runUntil(t0 + 200);
    if (backend.nowMs() < t0 + 200) problems.add("runUntil returned early");
    if (done.size() != 2) problems.add(done.size() + " atoms done, expected 2");
    if (aborted[0] < 0 || aborted[0] >= longK.blocks()) problems.add("long atom not aborted (completed " + aborted[0] + ")");
    if (backend.smClockMhz() != 1200) problems.add("modeled clock not recorded");
    var tel = backend.telemetry();
    if (!(tel.busyTpcMs() > 0) || tel.blocksRun() < k.blocks()) problems.add("telemetry " + tel);
    String runs = done.stream().map(r -> String.format("atom %d %.3f ms", r.atom().id(), r.runMs())).reduce((x, y) -> x + ", " + y).orElse("");
    record("GpuBackend contract", problems.isEmpty(), k.blocks() + longK.blocks(), String.format(
        "%s; long atom aborted after %d blocks; max timer lateness %.3f ms; busy %.1f TPC-ms, energy %.2f J%s",
        runs, aborted[0], timerLateMs[0], tel.busyTpcMs(), tel.energyJ(), problems.isEmpty() ? "" : "; " + problems));
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
