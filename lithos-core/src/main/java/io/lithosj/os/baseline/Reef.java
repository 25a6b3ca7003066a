package io.lithosj.os.baseline;

import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * REEF (Han et al., OSDI '22), after SJTU-IPADS/reef src/reef/server/scheduler.cpp.
 * <ul>
 *   <li><b>Normal (BE) mode</b>, while no HP (real-time) request is in flight: BE kernels run
 *       on the whole GPU.</li>
 *   <li><b>Real-time mode</b>: when an HP request arrives, running BE kernels are reset: their
 *       running blocks are killed, unstarted ones dropped ({@link PolicyContext#abort}); the HP
 *       kernel launches {@code preemptLatencyUs} later. DNN kernels are idempotent, so a killed
 *       kernel is simply re-run from its first block later (the redone and killed work is
 *       counted). While the request runs, BE work proceeds only by dynamic kernel padding: the
 *       HP kernel is squeezed onto the fewest TPCs that keep its number of waves, and the
 *       leftover TPCs get as many blocks of the first waiting BE kernel as finish within the HP
 *       kernel's latency, if a BE block is not longer than the HP kernel and the merged
 *       kernel's occupancy is not below the HP kernel's.</li>
 * </ul>
 * The reset cost is paid when BE atoms are in flight at the HP arrival (REEF skips the reset
 * when no BE kernel ran since the last one).
 */
public final class Reef implements Policy {
  static final int HP_PRIORITY = 1;
  static final int BE_PRIORITY = 0;

  /** A BE launch's blocks that still have to run (a killed range goes back to the front). */
  private static final class BeWork {
    final KernelLaunch launch;
    final Deque<int[]> ranges = new ArrayDeque<>();
    int atomsInFlight;

    BeWork(KernelLaunch l) {
      launch = l;
      ranges.add(new int[] {0, l.blocks()});
    }

    boolean finished() { return ranges.isEmpty() && atomsInFlight == 0; }

    /** Take up to {@code n} blocks from the front range. */
    int[] take(int n) {
      int[] r = ranges.peekFirst();
      int hi = (int) Math.min(r[1], (long) r[0] + n); // n may be Integer.MAX_VALUE
      int[] taken = {r[0], hi};
      if (hi == r[1]) ranges.pollFirst(); else r[0] = hi;
      return taken;
    }
  }

  private record InFlight(Atom atom, BeWork work, boolean padded) {}

  private final ReefParams p;
  private PolicyContext ctx;
  private GpuSpec gpu;
  private RequestTracker requests;
  private final List<BeWork> beQueue = new ArrayList<>();
  private final Map<Long, InFlight> beAtoms = new LinkedHashMap<>();
  private double preemptDoneMs = Double.NEGATIVE_INFINITY;

  private long preemptions;
  private long killedBlocks;
  private long redoneBlocks;
  private double redoneBlockMs;
  private long paddedAtoms;
  private long paddedBlocks;

  public Reef(ReefParams p) {
    p.validate();
    this.p = p;
  }

  @Override public String name() { return "reef"; }

  @Override public void start(PolicyContext ctx) {
    this.ctx = ctx;
    this.gpu = ctx.gpu();
    this.requests = new RequestTracker(ctx.tenants());
  }

  @Override public void onSubmit(KernelLaunch l) {
    requests.onSubmit(l, ctx.nowMs());
    if (!ctx.tenants().get(l.tenant()).isHighPriority()) {
      beQueue.add(new BeWork(l));
      if (!hpInFlight()) dispatchBe();
      return;
    }
    preemptNormalBe();
    double at = Math.max(ctx.nowMs(), preemptDoneMs);
    if (at > ctx.nowMs()) ctx.at(at, () -> launchHp(l));
    else launchHp(l);
  }

  @Override public void onAtomDone(AtomResult r) {
    Atom a = r.atom();
    InFlight f = beAtoms.remove(a.id());
    if (f != null) {
      f.work.atomsInFlight--;
      if (f.work.finished()) beQueue.remove(f.work);
      return;
    }
    if (requests.onLaunchDone(a.launch(), ctx.nowMs()) >= 0) {
      // The next HP request may be submitted at this very instant: decide after it.
      ctx.at(ctx.nowMs(), () -> {
        if (!hpInFlight()) dispatchBe();
      });
    }
  }

  @Override public void onAtomAborted(Atom atom, int blocksCompleted, int blocksWasted) {
    InFlight f = beAtoms.remove(atom.id());
    if (f == null) return;
    f.work.atomsInFlight--;
    f.work.ranges.addFirst(new int[] {atom.blockLo(), atom.blockHi()});
    killedBlocks += blocksWasted;
    redoneBlocks += blocksCompleted;
    redoneBlockMs += blocksCompleted * atom.kernel().work().blockComputeUs() / 1000.0;
  }

  /** Reset-based preemption of BE kernels launched in normal mode (padded ones finish). */
  private void preemptNormalBe() {
    List<Atom> victims = new ArrayList<>();
    for (InFlight f : beAtoms.values()) if (!f.padded) victims.add(f.atom);
    if (victims.isEmpty()) return;
    preemptions++;
    preemptDoneMs = ctx.nowMs() + p.preemptLatencyUs / 1000.0;
    // Newest first: each killed range goes back to the front, so older ranges end up first.
    victims.sort((x, y) -> Long.compare(y.id(), x.id()));
    for (Atom a : victims) ctx.abort(a);
  }

  private void launchHp(KernelLaunch l) {
    Kernel k = l.kernel();
    int total = gpu.tpcCount();
    if (p.kernelPadding) {
      int perTpcWave = k.waveSize(gpu, 1);
      int waves = (int) Math.ceil((double) k.blocks() / k.waveSize(gpu, total));
      int hpTpcs = Math.min(total, (int) Math.ceil((double) k.blocks() / ((long) waves * perTpcWave)));
      int free = total - hpTpcs;
      if (free > 0 && pad(k, hpTpcs, free)) {
        ctx.launch(ctx.atom(l, 0, l.blocks(), TpcSet.range(0, hpTpcs), HP_PRIORITY));
        return;
      }
    }
    ctx.launch(ctx.atom(l, 0, l.blocks(), gpu.allTpcs(), HP_PRIORITY));
  }

  /** Dynamic kernel padding: fill TPCs [hpTpcs, total) with the first BE kernel that fits. */
  private boolean pad(Kernel hp, int hpTpcs, int free) {
    double hpUs = hp.idealLatencyUs(gpu, hpTpcs);
    for (BeWork w : beQueue) {
      if (w.ranges.isEmpty()) continue;
      Kernel be = w.launch.kernel();
      if (mergedBlocksPerSm(hp, be) < hp.blocksPerSm(gpu)) continue; // occupancy rule
      int wave = be.waveSize(gpu, free);
      double iterUs = be.withBlocks(Math.min(wave, be.blocks())).idealLatencyUs(gpu, free);
      int iters = (int) Math.floor(hpUs / iterUs);
      if (iters == 0) continue; // latency rule: a BE block must not outlast the HP kernel
      int[] r = w.take((int) Math.min(Integer.MAX_VALUE, (long) wave * iters));
      launchBe(w, r, TpcSet.range(hpTpcs, hpTpcs + free), true);
      paddedAtoms++;
      paddedBlocks += r[1] - r[0];
      return true;
    }
    return false;
  }

  /** Occupancy of the proxy kernel that runs both: the larger of each per-block resource. */
  private int mergedBlocksPerSm(Kernel a, Kernel b) {
    Kernel merged = new Kernel("merged", 1, Math.max(a.threadsPerBlock(), b.threadsPerBlock()),
        Math.max(a.regsPerThread(), b.regsPerThread()), Math.max(a.smemPerBlockBytes(), b.smemPerBlockBytes()), a.work());
    return merged.blocksPerSm(gpu);
  }

  private void dispatchBe() {
    for (BeWork w : beQueue) {
      while (!w.ranges.isEmpty()) launchBe(w, w.take(Integer.MAX_VALUE), gpu.allTpcs(), false);
    }
  }

  private void launchBe(BeWork w, int[] r, TpcSet tpcs, boolean padded) {
    Atom a = ctx.atom(w.launch, r[0], r[1], tpcs, BE_PRIORITY);
    w.atomsInFlight++;
    beAtoms.put(a.id(), new InFlight(a, w, padded));
    ctx.launch(a);
  }

  private boolean hpInFlight() {
    for (int i = 0; i < ctx.tenants().size(); i++) {
      if (ctx.tenants().get(i).isHighPriority() && requests.isActive(i)) return true;
    }
    return false;
  }

  @Override public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("reef.preemptions", (double) preemptions);
    m.put("reef.preemptLatencyUs", p.preemptLatencyUs);
    m.put("reef.killedBlocks", (double) killedBlocks);
    m.put("reef.redoneBlocks", (double) redoneBlocks);
    m.put("reef.redoneBlockMs", redoneBlockMs);
    m.put("reef.paddedAtoms", (double) paddedAtoms);
    m.put("reef.paddedBlocks", (double) paddedBlocks);
    return m;
  }
}
