package io.lithosj.os.lithos;

import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps {@link LithosPolicy} and checks, from the atoms it launches and the completions it hears,
 * what LithOS promises. It keeps its own TPC occupancy and block bookkeeping (not the policy's):
 * <ul>
 *   <li>no TPC runs two atoms at once (so never two tenants);</li>
 *   <li>atoms follow stream order and cover every block of a launch exactly once;</li>
 *   <li>an owner with work that wants TPCs never has one of its TPCs lent out (nor during its
 *       next-kernel hold);</li>
 *   <li>work conservation: after each dispatch round, no tenant that wants TPCs sees an idle TPC
 *       it may take (its own, the pool, or, with stealing, an idle owner's).</li>
 * </ul>
 * The last two together bound how long an owner waits for a lent TPC: the atom on it was
 * launched before the owner wanted it, and the round after that atom ends hands it back. With
 * the optional check that atoms stay within the target, the wait is at most one atom:
 * <ul>
 *   <li>optionally, atoms run no longer than the atom target or one wave, whichever is longer.</li>
 * </ul>
 * A violation throws {@link AssertionError} out of the run.
 */
final class InvariantCheckingPolicy implements Policy {
  static InvariantCheckingPolicy last;

  final LithosPolicy inner;
  private final LithosParams p;
  private boolean checkAtomLength;
  private PolicyContext ctx;
  private GpuSpec gpu;
  private List<TenantSpec> tenants;
  private long[] atomOn;
  private int[] tenantOn;
  private final Map<Long, Double> launchMsOf = new HashMap<>();
  private ArrayDeque<Open>[] open;
  private double[] lastDoneMs;
  private boolean[] lastDoneFollows;
  private boolean checkScheduled;

  long atoms, stolenAtoms, launchesCompleted, blocksCompleted, quiescentChecks;
  double maxAtomOverTargetRatio;

  private static final class Open {
    final KernelLaunch launch;
    final BitSet dispatched = new BitSet();
    final BitSet done = new BitSet();

    Open(KernelLaunch l) { launch = l; }

    int pending() { return launch.blocks() - dispatched.cardinality(); }
  }

  InvariantCheckingPolicy(LithosParams params) {
    this.p = params;
    this.inner = new LithosPolicy(params);
    last = this;
  }

  /** Also check that atoms stay within the target (only exact when the predictor is: no contention). */
  InvariantCheckingPolicy checkingAtomLength() {
    checkAtomLength = true;
    return this;
  }

  @Override public String name() { return inner.name(); }

  @SuppressWarnings("unchecked")
  @Override public void start(PolicyContext real) {
    ctx = real;
    gpu = real.gpu();
    tenants = real.tenants();
    atomOn = new long[gpu.tpcCount()];
    Arrays.fill(atomOn, -1);
    tenantOn = new int[gpu.tpcCount()];
    Arrays.fill(tenantOn, -1);
    open = new ArrayDeque[tenants.size()];
    for (int t = 0; t < open.length; t++) open[t] = new ArrayDeque<>();
    lastDoneMs = new double[tenants.size()];
    Arrays.fill(lastDoneMs, Double.NEGATIVE_INFINITY);
    lastDoneFollows = new boolean[tenants.size()];
    inner.start(new Checking(real));
  }

  @Override public void onSubmit(KernelLaunch launch) {
    open[launch.tenant()].add(new Open(launch));
    inner.onSubmit(launch);
    scheduleCheck();
  }

  @Override public void onAtomDone(AtomResult r) {
    Atom a = r.atom();
    Double launchMs = launchMsOf.remove(a.id());
    if (launchMs == null) fail("completion of atom " + a.id() + " that was never launched");
    for (int x : a.tpcs()) {
      if (atomOn[x] != a.id()) fail("atom " + a.id() + " done but TPC " + x + " runs atom " + atomOn[x]);
      atomOn[x] = -1;
      tenantOn[x] = -1;
    }
    Open o = open[a.tenant()].peekFirst();
    if (o == null || o.launch.id() != a.launch().id()) fail("atom " + a.id() + " completes a launch that is not its tenant's head");
    int clash = o.done.nextSetBit(a.blockLo());
    if (clash >= 0 && clash < a.blockHi()) fail("block " + clash + " of launch " + a.launch().id() + " ran twice");
    o.done.set(a.blockLo(), a.blockHi());
    blocksCompleted += a.blocks();
    if (checkAtomLength) checkLength(r);
    if (o.done.cardinality() == o.launch.blocks()) {
      if (!o.done.equals(o.dispatched)) fail("launch " + o.launch.id() + " done blocks differ from dispatched");
      open[a.tenant()].pollFirst();
      launchesCompleted++;
      lastDoneMs[a.tenant()] = ctx.nowMs();
      Workload w = tenants.get(a.tenant()).workload();
      lastDoneFollows[a.tenant()] = w instanceof Workload.Training || o.launch.seq() < w.kernels().size() - 1;
    }
    inner.onAtomDone(r);
    scheduleCheck();
  }

  @Override public Map<String, Double> metrics() { return inner.metrics(); }

  // ---- launch-time checks

  private void launched(Atom a) {
    int t = a.tenant();
    for (int x : a.tpcs()) {
      if (x >= gpu.tpcCount()) fail("atom " + a.id() + " names TPC " + x);
      if (atomOn[x] >= 0) {
        fail("TPC " + x + " double-booked: atom " + a.id() + " (tenant " + t + ") while atom " + atomOn[x]
            + " (tenant " + tenantOn[x] + ") runs");
      }
    }
    Open o = open[t].peekFirst();
    if (o == null || o.launch.id() != a.launch().id()) fail("atom " + a.id() + " is not of tenant " + t + "'s head launch (stream order)");
    int clash = o.dispatched.nextSetBit(a.blockLo());
    if (clash >= 0 && clash < a.blockHi()) fail("block " + clash + " of launch " + a.launch().id() + " dispatched twice");
    TpcScheduler s = inner.scheduler();
    for (int x : a.tpcs()) {
      int owner = s.ownerOf(x);
      if (owner == t || owner == TpcScheduler.NONE) continue;
      if (!p.stealing) fail("stealing is off but atom " + a.id() + " of tenant " + t + " runs on TPC " + x + " of tenant " + owner);
      if (wants(owner)) {
        fail("TPC " + x + " of tenant " + owner + " lent to tenant " + t + " while its owner has " + pending(owner)
            + " blocks waiting and holds " + held(owner) + " of " + inner.targetTpcs(owner) + " TPCs");
      }
      if (inHold(owner)) fail("TPC " + x + " of tenant " + owner + " lent during its next-kernel hold");
    }
    boolean stolen = false;
    for (int x : a.tpcs()) stolen |= s.ownerOf(x) != t && s.ownerOf(x) != TpcScheduler.NONE;
    if (stolen) stolenAtoms++;
    for (int x : a.tpcs()) {
      atomOn[x] = a.id();
      tenantOn[x] = t;
    }
    o.dispatched.set(a.blockLo(), a.blockHi());
    launchMsOf.put(a.id(), ctx.nowMs());
    atoms++;
  }

  private void checkLength(AtomResult r) {
    Atom a = r.atom();
    int n = a.tpcs().size();
    int wave = a.kernel().waveSize(gpu, n);
    double waveUs = a.kernel().withBlocks(Math.min(wave, a.launch().blocks() - a.blockLo())).idealLatencyUs(gpu, n);
    double boundUs = Math.max(inner.atomizer().runTargetUs(), waveUs);
    double ratio = r.runMs() * 1000.0 / boundUs;
    maxAtomOverTargetRatio = Math.max(maxAtomOverTargetRatio, ratio);
    if (ratio > 1 + 1e-6) fail("atom " + a.id() + " of '" + a.kernel().name() + "' ran " + r.runMs() * 1000 + " us, bound " + boundUs);
  }

  // ---- quiescent checks, after the policy's dispatch round at this instant

  private void scheduleCheck() {
    if (checkScheduled) return;
    checkScheduled = true;
    ctx.at(ctx.nowMs(), this::quiescentCheck);
  }

  private void quiescentCheck() {
    checkScheduled = false;
    if (inner.dispatchPending()) {
      scheduleCheck(); // the policy's round is still queued at this instant: check after it
      return;
    }
    quiescentChecks++;
    TpcScheduler s = inner.scheduler();
    s.checkInvariants();
    for (int x = 0; x < gpu.tpcCount(); x++) {
      if (s.atomOn(x) != atomOn[x]) fail("policy thinks TPC " + x + " runs atom " + s.atomOn(x) + " but it runs " + atomOn[x]);
    }
    for (int t = 0; t < tenants.size(); t++) {
      if (!wants(t)) continue;
      for (int x = 0; x < gpu.tpcCount(); x++) {
        if (atomOn[x] >= 0) continue;
        int o = s.ownerOf(x);
        boolean usable = o == t || o == TpcScheduler.NONE || (p.stealing && ownerIdle(o));
        if (usable) {
          fail("not work-conserving at " + ctx.nowMs() + " ms: TPC " + x + " (owner " + o + ") idle while tenant " + t
              + " has " + pending(t) + " blocks waiting and holds " + held(t) + " of " + inner.targetTpcs(t) + " TPCs");
        }
      }
    }
  }

  // ---- independent views

  private int pending(int t) {
    Open o = open[t].peekFirst();
    return o == null ? 0 : o.pending();
  }

  private int held(int t) {
    int n = 0;
    for (int x : tenantOn) if (x == t) n++;
    return n;
  }

  private boolean wants(int t) {
    if (pending(t) == 0) return false;
    int target = inner.targetTpcs(t);
    if (!p.rightSizing && target != gpu.tpcCount()) fail("right-sizing is off but tenant " + t + " targets " + target + " TPCs");
    return held(t) < target;
  }

  private boolean inHold(int t) {
    return open[t].isEmpty() && lastDoneFollows[t] && ctx.nowMs() < lastDoneMs[t] + p.nextKernelHoldUs / 1000.0;
  }

  private boolean ownerIdle(int o) { return open[o].isEmpty() && !inHold(o); }

  private static void fail(String msg) { throw new AssertionError(msg); }

  /** Passes everything through, inspecting launches on the way. */
  private final class Checking implements PolicyContext {
    private final PolicyContext d;

    Checking(PolicyContext d) { this.d = d; }

    @Override public GpuSpec gpu() { return d.gpu(); }
    @Override public List<TenantSpec> tenants() { return d.tenants(); }
    @Override public double nowMs() { return d.nowMs(); }
    @Override public Atom atom(KernelLaunch l, int lo, int hi, TpcSet tpcs, int prio) { return d.atom(l, lo, hi, tpcs, prio); }

    @Override public void launch(Atom atom) {
      launched(atom);
      d.launch(atom);
    }

    @Override public void abort(Atom atom) { fail("lithos aborted atom " + atom.id()); }
    @Override public void setSmClockMhz(int mhz) { d.setSmClockMhz(mhz); }
    @Override public int smClockMhz() { return d.smClockMhz(); }
    @Override public void at(double atMs, Runnable action) { d.at(atMs, action); }
    @Override public void partitionMemory(List<TpcSet> parts, double[] shares) { d.partitionMemory(parts, shares); }
  }
}
