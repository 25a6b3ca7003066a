package io.lithosj.os.lithos;

import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * LithOS: TPC scheduler with stealing, kernel atomizer, latency predictor, right-sizer and power
 * manager, each in its own class; this one holds the per-tenant launch queues and wires them.
 *
 * <p>Every event (submit, atom done, hold expiry) asks for one dispatch round, run as a timer at
 * the current time, so a tenant whose kernel completion makes it submit its next kernel at the
 * same instant is seen before its idle TPCs are lent out.
 */
public final class LithosPolicy implements Policy {
  private final LithosParams p;
  private PolicyContext ctx;
  private GpuSpec gpu;
  private TpcScheduler scheduler;
  private KernelAtomizer atomizer;
  private LatencyPredictor predictor;
  private RightSizer rightSizer;
  private PowerManager power;
  private Tenant[] tenants;
  private int[] hpOrder, beOrder;
  /** Positions in hpOrder / beOrder of tenants whose head launch has blocks left to send (see {@link #order}). */
  private java.util.BitSet hpReady, beReady;
  private int[] positionInClass;
  private int rotation;
  private final Map<Long, Running> running = new LinkedHashMap<>();
  private boolean dispatchPending;
  private final Demand demand = new Demand();

  // metrics
  private long atomsLaunched, launchesDone, deadlineAtoms;
  private long targetsComputed;
  private double startMs, stolenTpcMs, targetTpcsSum, clockMhzMs, lastClockChangeMs;
  private int lastClockMhz;

  public LithosPolicy(LithosParams params) {
    params.validate();
    this.p = params;
  }

  public LithosPolicy() { this(new LithosParams()); }

  @Override public String name() { return "lithos"; }

  @Override public void start(PolicyContext context) {
    this.ctx = context;
    this.gpu = context.gpu();
    List<TenantSpec> specs = context.tenants();
    scheduler = new TpcScheduler(gpu.tpcCount(), specs);
    if (!p.stealing) {
      boolean pool = false;
      for (int x = 0; x < gpu.tpcCount(); x++) pool |= scheduler.ownerOf(x) == TpcScheduler.NONE;
      for (int t = 0; t < specs.size(); t++) {
        if (scheduler.quota(t) == 0 && !pool) {
          throw new IllegalArgumentException("tenants[" + t + "] '" + specs.get(t).name()
              + "' gets no TPCs (its quota is 0 and no TPCs are left) and stealing is off");
        }
      }
    }
    predictor = new LatencyPredictor(gpu, "prior".equals(p.coldStart), p.learningRate);
    atomizer = new KernelAtomizer(gpu, p.atomTargetMs, p.maxAtomOverheadPct);
    rightSizer = new RightSizer(gpu.tpcCount(), p.rightSizeSlip);
    power = new PowerManager(gpu, p.powerSlip, p.learningRate, context.nowMs(), context.smClockMhz());
    startMs = context.nowMs();
    lastClockChangeMs = startMs;
    lastClockMhz = context.smClockMhz();
    tenants = new Tenant[specs.size()];
    List<Integer> hp = new ArrayList<>(), be = new ArrayList<>();
    for (int t = 0; t < specs.size(); t++) {
      tenants[t] = new Tenant(specs.get(t));
      (specs.get(t).isHighPriority() ? hp : be).add(t);
    }
    hpOrder = hp.stream().mapToInt(Integer::intValue).toArray();
    beOrder = be.stream().mapToInt(Integer::intValue).toArray();
    hpReady = new java.util.BitSet(hpOrder.length);
    beReady = new java.util.BitSet(beOrder.length);
    positionInClass = new int[specs.size()];
    for (int i = 0; i < hpOrder.length; i++) positionInClass[hpOrder[i]] = i;
    for (int i = 0; i < beOrder.length; i++) positionInClass[beOrder[i]] = i;
  }

  @Override public void onSubmit(KernelLaunch launch) {
    Tenant t = tenant(launch.tenant());
    t.queue.add(new LaunchState(launch));
    t.holdUntilMs = Double.NEGATIVE_INFINITY;
    updateReady(launch.tenant());
    requestDispatch();
  }

  @Override public void onAtomDone(AtomResult r) {
    Atom atom = r.atom();
    Running run = running.remove(atom.id());
    if (run == null) throw new IllegalStateException("lithos: completion of unknown atom " + atom.id());
    tenants[atom.tenant()].runningAtoms.remove((Long) atom.id());
    scheduler.release(atom);
    learn(run, r);
    stolenTpcMs += scheduler.stolenIn(atom.tpcs(), atom.tenant()) * (r.endMs() - run.launchMs);
    LaunchState ls = run.launch;
    ls.blocksDone += atom.blocks();
    if (ls.blocksDone == ls.launch.blocks()) {
      Tenant t = tenants[atom.tenant()];
      if (t.queue.peekFirst() != ls) throw new IllegalStateException("lithos: launch " + ls.launch.id() + " finished out of order");
      t.queue.pollFirst();
      updateReady(atom.tenant());
      launchesDone++;
      if (p.nextKernelHoldUs > 0 && moreKernelsFollow(t.spec, ls.launch) && t.queue.isEmpty()) {
        t.holdUntilMs = ctx.nowMs() + p.nextKernelHoldUs / 1000.0;
        ctx.at(t.holdUntilMs, () -> {
          if (t.queue.isEmpty() && ctx.nowMs() >= t.holdUntilMs) requestDispatch(); // hold ran out unused
        });
      }
    }
    requestDispatch();
  }

  @Override public void onAtomAborted(Atom atom, int blocksCompleted, int blocksWasted) {
    throw new IllegalStateException("lithos never aborts atoms, but atom " + atom.id() + " was aborted");
  }

  @Override public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("predictorMapePct", predictor == null ? Double.NaN : predictor.mapePct());
    m.put("predictorSamples", predictor == null ? 0.0 : predictor.errorSamples());
    m.put("atoms", (double) atomsLaunched);
    m.put("atomsPerLaunch", launchesDone == 0 ? Double.NaN : (double) atomsLaunched / launchesDone);
    m.put("stolenTpcMs", stolenTpcMs);
    m.put("deadlineLentAtoms", (double) deadlineAtoms);
    m.put("meanTargetTpcs", targetsComputed == 0 ? Double.NaN : targetTpcsSum / targetsComputed);
    double elapsed = ctx == null ? 0 : ctx.nowMs() - startMs;
    double clockMs = ctx == null ? 0 : clockMhzMs + (ctx.nowMs() - lastClockChangeMs) * lastClockMhz;
    m.put("meanSmClockMhz", elapsed > 0 ? clockMs / elapsed : lastClockMhz);
    m.put("sensitivitySamples", power == null ? 0.0 : power.sensitivitySamples());
    return m;
  }

  // ---- views for tests and notebooks

  public LithosParams params() { return p; }
  public TpcScheduler scheduler() { return scheduler; }
  public LatencyPredictor predictor() { return predictor; }
  public PowerManager powerManager() { return power; }
  public KernelAtomizer atomizer() { return atomizer; }

  /** Whether a dispatch round is scheduled but has not run yet. */
  public boolean dispatchPending() { return dispatchPending; }

  /** Blocks of {@code tenant}'s current launch not yet sent in an atom. */
  public int pendingBlocks(int tenant) {
    LaunchState ls = tenants[tenant].queue.peekFirst();
    return ls == null ? 0 : ls.remaining();
  }

  /** TPCs the current launch of {@code tenant} is sized for (right-sizer or all); 0 when idle. */
  public int targetTpcs(int tenant) {
    LaunchState ls = tenants[tenant].queue.peekFirst();
    return ls == null ? 0 : target(ls);
  }

  /** Until when {@code tenant}'s idle TPCs are kept from lenders. */
  public double holdUntilMs(int tenant) { return tenants[tenant].holdUntilMs; }

  // ---- dispatch

  private void requestDispatch() {
    if (dispatchPending) return;
    dispatchPending = true;
    ctx.at(ctx.nowMs(), this::dispatch);
  }

  private void dispatch() {
    dispatchPending = false;
    scheduler.dispatch(order(), p.stealing, demand);
    if (p.powerManagement) updateClock();
  }

  /**
   * HP tenants first, then BE; rotated within each class per round so equals share stolen TPCs.
   * Only tenants whose head launch has blocks left to send: any other wants no TPCs for the whole
   * round (its head changes only on a submit or a completion), so the scheduler would pass over
   * it; leaving it out keeps a round's cost to the tenants with work, not all of them (issue 16
   * item 8), and the order of those in it unchanged.
   */
  private int[] order() {
    int[] o = new int[hpReady.cardinality() + beReady.cardinality()];
    int n = rotated(hpOrder, hpReady, o, 0);
    rotated(beOrder, beReady, o, n);
    rotation++;
    return o;
  }

  /** The ready tenants of one class from position {@code rotation mod size}, wrapping round; returns the next free index of {@code into}. */
  private int rotated(int[] classOrder, java.util.BitSet ready, int[] into, int n) {
    if (classOrder.length == 0) return n;
    int from = rotation % classOrder.length;
    for (int i = ready.nextSetBit(from); i >= 0; i = ready.nextSetBit(i + 1)) into[n++] = classOrder[i];
    for (int i = ready.nextSetBit(0); i >= 0 && i < from; i = ready.nextSetBit(i + 1)) into[n++] = classOrder[i];
    return n;
  }

  private void updateReady(int t) {
    LaunchState ls = tenants[t].queue.peekFirst();
    (tenants[t].spec.isHighPriority() ? hpReady : beReady).set(positionInClass[t], ls != null && ls.remaining() > 0);
  }

  private final class Demand implements TpcScheduler.Demand {
    @Override public int wantTpcs(int t) {
      LaunchState ls = tenants[t].queue.peekFirst(); // stream order: only the head launch runs
      if (ls == null || ls.remaining() == 0) return 0;
      if (ls.perTpcWave == 0) ls.perTpcWave = ls.launch.kernel().waveSize(gpu, 1); // fixed per kernel and GPU
      int perTpcWave = ls.perTpcWave;
      int needed = (ls.remaining() + perTpcWave - 1) / perTpcWave;
      return Math.max(0, Math.min(target(ls) - scheduler.heldBy(t), needed));
    }

    @Override public double lendUntilMs(int owner) {
      Tenant o = tenants[owner];
      LaunchState head = o.queue.peekFirst();
      if (head == null) return ctx.nowMs() < o.holdUntilMs ? Double.NaN : Double.POSITIVE_INFINITY;
      if (wantTpcs(owner) > 0) return Double.NaN;
      // Busy on fewer TPCs than it owns: lend its spare ones until its in-flight work should end.
      double endMs = Double.NEGATIVE_INFINITY;
      for (long id : o.runningAtoms) { // the owner's own atoms, not every running atom (a max: order does not matter)
        Running r = running.get(id);
        if (Double.isNaN(r.predictedUs)) return Double.NaN; // unknown end: lend nothing
        endMs = Math.max(endMs, r.launchMs + (gpu.launchOverheadUs() + r.predictedUs) / 1000.0);
      }
      if (endMs == Double.NEGATIVE_INFINITY) return Double.NaN;
      if (head.remaining() > 0) {
        endMs += predictor.predictUs(head.launch.kernel(), head.remaining(), target(head))
            * power.slowdown(power.sensitivity(head.launch.kernel()), ctx.smClockMhz()) / 1000.0;
      }
      return endMs; // NaN when a prediction is missing: then nothing is lent
    }

    @Override public boolean run(int t, TpcSet tpcs, double untilMs) { return launchAtom(t, tpcs, untilMs); }
  }

  private boolean launchAtom(int t, TpcSet tpcs, double untilMs) {
    LaunchState ls = tenants[t].queue.peekFirst();
    Kernel k = ls.launch.kernel();
    int n = tpcs.size();
    double s = power.sensitivity(k);
    double slow = power.slowdown(s, ctx.smClockMhz());
    IntToDoubleFunction atFmaxUs = b -> predictor.predictUs(k, b, n);
    IntToDoubleFunction predictUs = b -> atFmaxUs.applyAsDouble(b) * slow;
    int blocks;
    if (untilMs == Double.POSITIVE_INFINITY) {
      // Cut at the maximum clock, not the current one: each atom pays a launch overhead that no
      // clock stretches, so cutting finer when the power manager lowers the clock would add
      // overhead outside its slowdown model (two-wave GEMM atoms became one-wave atoms at
      // 1845 MHz: +10% instead of the +7% accepted). The clock then stretches an atom only by its
      // kernel's own slowdown. Deadline-bounded atoms below must fit real time, so they use it.
      blocks = p.atomization ? atomizer.nextAtomBlocks(k, ls.remaining(), n, atFmaxUs) : ls.remaining();
    } else {
      double budgetUs = (untilMs - ctx.nowMs()) * 1000.0 - gpu.launchOverheadUs();
      blocks = p.atomization ? atomizer.nextAtomBlocksWithin(k, ls.remaining(), n, predictUs, budgetUs)
          : predictUs.applyAsDouble(ls.remaining()) <= budgetUs ? ls.remaining() : 0;
      if (blocks == 0) return false;
      deadlineAtoms++;
    }
    Atom atom = ctx.atom(ls.launch, ls.nextBlock, ls.nextBlock + blocks, tpcs,
        tenants[t].spec.isHighPriority() ? p.hpAtomPriority : 0);
    scheduler.assign(atom);
    ls.nextBlock += blocks;
    updateReady(t);
    double predictedUs = predictUs.applyAsDouble(blocks);
    running.put(atom.id(), new Running(atom, ls, ctx.nowMs(), predictedUs, s, ctx.smClockMhz()));
    tenants[t].runningAtoms.add(atom.id());
    atomsLaunched++;
    ctx.launch(atom);
    return true;
  }

  private int target(LaunchState ls) {
    if (ls.targetTpcs == 0) {
      Kernel k = ls.launch.kernel();
      IntToDoubleFunction latencyUs = n -> predictor.predictKernelUs(k, n);
      ls.targetTpcs = !p.rightSizing ? gpu.tpcCount()
          : "search".equals(p.rightSizeModel) ? rightSizer.search(latencyUs) : rightSizer.rightSize(latencyUs);
      targetTpcsSum += ls.targetTpcs;
      targetsComputed++;
    }
    return ls.targetTpcs;
  }

  // ---- learning and power

  private void learn(Running run, AtomResult r) {
    Atom atom = r.atom();
    Kernel k = atom.kernel();
    double runUs = r.runMs() * 1000.0;
    predictor.recordError(run.predictedUs, runUs);
    double slow = power.meanSlowdown(run.sensitivity, r.startMs(), r.endMs());
    predictor.observe(k, atom.blocks(), atom.tpcs().size(), runUs / slow);
    if (power.steadyClock(r.startMs(), r.endMs())) {
      int wave = k.waveSize(gpu, atom.tpcs().size());
      power.observe(k, atom.tpcs().size(), (atom.blocks() + wave - 1) / wave, runUs, power.clockAt(r.startMs()));
    }
  }

  private void updateClock() {
    double now = ctx.nowMs();
    List<PowerManager.Work> work = new ArrayList<>(running.size());
    double oldestLaunchMs = now;
    double fallbackUs = atomizer.runTargetUs();
    for (Running run : running.values()) {
      double predictedUs = Double.isNaN(run.predictedUs) ? fallbackUs : run.predictedUs;
      double remainingUs = run.launchMs * 1000.0 + gpu.launchOverheadUs() + predictedUs - now * 1000.0;
      work.add(new PowerManager.Work(power.sensitivity(run.atom.kernel()),
          Math.max(remainingUs, 1.0) * run.atom.tpcs().size()));
      oldestLaunchMs = Math.min(oldestLaunchMs, run.launchMs);
    }
    int mhz = power.chooseClockMhz(work);
    if (mhz != ctx.smClockMhz()) {
      ctx.setSmClockMhz(mhz);
      int actual = ctx.smClockMhz();
      clockMhzMs += (now - lastClockChangeMs) * lastClockMhz;
      lastClockChangeMs = now;
      lastClockMhz = actual;
      power.clockChanged(now, actual);
      // Atoms launched this instant start their blocks after the launch overhead, at the new clock.
      for (Map.Entry<Long, Running> e : running.entrySet()) {
        Running r = e.getValue();
        if (r.launchMs != now || r.predictedAtMhz == actual) continue;
        double us = r.predictedUs / power.slowdown(r.sensitivity, r.predictedAtMhz) * power.slowdown(r.sensitivity, actual);
        e.setValue(new Running(r.atom, r.launch, r.launchMs, us, r.sensitivity, actual));
      }
    }
    power.forgetBefore(oldestLaunchMs);
  }

  private static boolean moreKernelsFollow(TenantSpec spec, KernelLaunch launch) {
    Workload w = spec.workload();
    return w instanceof Workload.Training || launch.seq() < w.kernels().size() - 1;
  }

  private Tenant tenant(int t) {
    if (t < 0 || t >= tenants.length) throw new IllegalArgumentException("launch names tenant " + t + " of " + tenants.length);
    return tenants[t];
  }

  private static final class Tenant {
    final TenantSpec spec;
    final ArrayDeque<LaunchState> queue = new ArrayDeque<>();
    /** Ids of this tenant's atoms in {@code running}: lendUntilMs reads them without scanning every tenant's. */
    final List<Long> runningAtoms = new ArrayList<>();
    double holdUntilMs = Double.NEGATIVE_INFINITY;

    Tenant(TenantSpec spec) { this.spec = spec; }
  }

  private static final class LaunchState {
    final KernelLaunch launch;
    int nextBlock, blocksDone, targetTpcs, perTpcWave;

    LaunchState(KernelLaunch launch) { this.launch = launch; }

    int remaining() { return launch.blocks() - nextBlock; }
  }

  /** {@code predictedUs} is at {@code predictedAtMhz}, the clock its blocks will start at. */
  private record Running(Atom atom, LaunchState launch, double launchMs, double predictedUs, double sensitivity,
                         int predictedAtMhz) {}
}
