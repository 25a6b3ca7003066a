package io.lithosj.backend.sim;

import io.lithosj.backend.AtomListener;
import io.lithosj.backend.DispatchModel;
import io.lithosj.backend.AtomResult;
import io.lithosj.backend.GpuBackend;
import io.lithosj.backend.Telemetry;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The modeled GPU: a deterministic discrete-event simulation at thread-block granularity.
 *
 * <ul>
 *   <li>Each SM holds as many resident blocks as its threads, registers, shared memory and block
 *       slots allow; blocks of different atoms may share an SM (as under MPS).</li>
 *   <li>A block, once started, is never preempted: a kernel that fills the GPU holds it until its
 *       blocks drain, so head-of-line blocking arises by itself.</li>
 *   <li>Ready atoms are dispatched in hardware-queue order: higher stream priority first, then
 *       launch order; an atom's blocks go only to SMs of its TPC set, spread evenly over them.</li>
 *   <li>A block lasts its compute time at the current clock, stretched by DRAM contention: an SM
 *       draws at most {@link GpuSpec#smBandwidthGBps()} and a bandwidth domain at most its
 *       bandwidth, shared max-min fairly among the resident blocks (sampled when a block starts);
 *       a block asking for no more than its fair share is not slowed.</li>
 *   <li>Energy integrates the power model over busy TPCs, clock and DRAM traffic.</li>
 *   <li>A {@link DispatchModel} other than {@link DispatchModel#HARDWARE} models the CUDA backend's
 *       dispatch: launch calls queue on one host thread, completions reach the OS late, and less
 *       urgent atoms yield TPCs that more urgent ones want.</li>
 * </ul>
 * All times are ms of virtual time.
 */
public final class SimGpu implements GpuBackend {
  private static final int EV_BLOCK_DONE = 0; // payload: the first of a chain of groups ending at one instant (blkBatchNext)
  private static final int EV_ATOM_READY = 1;
  private static final int EV_TIMER = 2;
  private static final int EV_ATOM_SEEN = 3;
  private static final int EV_RELAUNCH = 4; // a yielded atom tries again (DispatchModel.yieldsToUrgent)
  private static final int EV_RESUME = 5;   // its relaunch reaches the GPU

  private final GpuSpec spec;
  private final DispatchModel dispatch;
  private double hostFreeMs; // when the host thread finishes its last launch call
  // yielding priorities: per priority, how many in-flight atoms of that priority want each TPC
  private final java.util.TreeMap<Integer, int[]> wantedByPriority = new java.util.TreeMap<>();
  private final List<AtomState> yielded = new ArrayList<>();
  private final int smCount;
  private final int smsPerTpc;
  private final EventQueue events = new EventQueue();
  private AtomListener listener = r -> {};
  private double now;
  private int clockMhz;
  private double clockRatio = 1.0;
  private double clockPowerFactor;   // spec.power().clockFactor(clockRatio), kept while the clock stays
  private int clockEpoch;            // bumped on each clock change: per-atom block times are cached per epoch
  private final int tpcCount;
  private final double computeScale;

  // SM resources in use
  private final int[] usedThreads;
  private final int[] usedRegs;
  private final int[] usedSmem;
  private final int[] usedBlocks;
  private final int[] residentPerTpc;
  private int busyTpcs;

  // bandwidth domains (one unless partitioned, as MIG does)
  private int[] domainOfSm;
  private double[] domainBandwidthGBps;
  private double[] domainDemandGBps; // sum over its SMs of min(SM demand, SM cap)
  private final double[] smDemandGBps;
  private final double smCapGBps;
  private final int[] smFirst;            // head of each SM's list of resident groups, -1 if none
  private DomainAtoms[] domainAtoms = {new DomainAtoms(0)}; // atoms with blocks resident in each domain
  private final int[] smLevelRound;       // water levels are computed once per SM / domain per round
  private final double[] smLevel;
  private int[] domainLevelRound = new int[1];
  private double[] domainLevel = new double[1];
  private int round;
  // Demand sums kept as blocks start and end, so a level whose demand fits its capacity (most of
  // them) is known to be +infinity without the max-min fill. Kept by addition, so they drift by
  // rounding; FITS_MARGIN keeps that drift far from deciding anything (see fits).
  private final double[] smBlockDemandGBps;   // sum of count x demand of the groups on each SM (0 when empty)
  private double[] domainBlockDemandGBps = new double[1]; // sum of count x demand at the current clock per domain
  private long[] domainUpdates = new long[1];  // additions since the sum was last recomputed exactly
  // A domain's level is a function of its atoms' (demand, count) list alone. Most events end blocks of
  // one atom and start as many of the same atom: the list is then what it was and the last level is
  // reused. Changes since the last level: none, or all on one atom (domainDeltaAtom, net domainDelta).
  private AtomState[] domainDeltaAtom = new AtomState[1];
  private int[] domainDelta = new int[1];
  private boolean[] domainLevelStale = {true};
  private double[] fillDemand = new double[64];
  private int[] fillCount = new int[64];

  // running block groups, pooled in arrays: blocks of one atom started on one SM at one instant
  // finish together, so they are one record and one event (an exact shortcut, ~blocks-per-SM fewer events)
  private int[] blkCount = new int[4096];
  private int[] blkAtom = new int[4096];
  private int[] blkSm = new int[4096];
  private double[] blkDemand = new double[4096]; // per block of the group
  private int[] blkNext = new int[4096];           // the groups resident on one SM form a list
  private int[] blkPrev = new int[4096];
  private int[] blkBatchNext = new int[4096];     // next group of the same completion event, -1 if last
  private double chainEndMs = Double.NaN;          // the completion chain pushed last: its time,
  private long chainSeq = -1;                      // its queue insertion number,
  private int chainTail = -1;                      // and its last group
  private boolean[] blkLive = new boolean[4096];
  private int[] freeBlk = new int[4096];
  private int freeBlkCount;
  private int blkHighWater;

  // atoms in flight, in slots that events and block groups name by index. A finished atom's slot is
  // freed once no queued event names it, so memory follows the atoms in flight, not the run length
  // (the atom log, when asked for, is the Runner's: it gets every AtomResult through the listener).
  private AtomState[] atoms = new AtomState[256];
  private int[] freeAtomSlots = new int[256];
  private int freeAtomSlotCount;
  private int atomHighWater;
  private long launchedAtoms;
  private final Map<Atom, AtomState> byAtom = new IdentityHashMap<>();
  private final List<AtomState> pending = new ArrayList<>(); // ready, with blocks left to start
  private long readySeq;
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Integer> freeTimerSlots = new ArrayList<>();

  // dispatch-round scratch: blocks started at this instant get durations after the round
  private int[] started = new int[256];
  private int startedCount;

  // telemetry
  private double energyJ;
  private double busyTpcMs;
  private double lastAccrueMs;
  private long blocksRun;
  private long eventsProcessed;

  public SimGpu(GpuSpec spec) {
    this(spec, DispatchModel.HARDWARE);
  }

  public SimGpu(GpuSpec spec, DispatchModel dispatch) {
    this.spec = spec;
    this.dispatch = dispatch;
    this.smCount = spec.smCount();
    this.smsPerTpc = spec.smsPerTpc();
    this.usedThreads = new int[smCount];
    this.usedRegs = new int[smCount];
    this.usedSmem = new int[smCount];
    this.usedBlocks = new int[smCount];
    this.tpcCount = spec.tpcCount();
    this.computeScale = spec.computeScale();
    this.residentPerTpc = new int[tpcCount];
    this.smDemandGBps = new double[smCount];
    this.smCapGBps = spec.smBandwidthGBps();
    this.smFirst = new int[smCount];
    Arrays.fill(smFirst, -1);
    this.smLevelRound = new int[smCount];
    this.smLevel = new double[smCount];
    this.smBlockDemandGBps = new double[smCount];
    this.domainOfSm = new int[smCount];
    this.domainBandwidthGBps = new double[] {spec.memBandwidthGBps()};
    this.domainDemandGBps = new double[1];
    this.clockMhz = spec.clocks().maxMhz();
    this.clockPowerFactor = spec.power().clockFactor(clockRatio);
  }

  @Override public GpuSpec spec() { return spec; }
  @Override public double nowMs() { return now; }
  @Override public void setListener(AtomListener l) { this.listener = l; }
  @Override public int smClockMhz() { return clockMhz; }

  @Override
  public void setSmClockMhz(int mhz) {
    int c = spec.clocks().clamp(mhz);
    if (c == clockMhz) return;
    accrue();
    clockMhz = c;
    clockRatio = (double) c / spec.clocks().maxMhz();
    clockPowerFactor = spec.power().clockFactor(clockRatio);
    clockEpoch++;
    for (int d = 0; d < domainBlockDemandGBps.length; d++) {
      recomputeDomainDemand(d); // demands follow the clock
      domainLevelStale[d] = true;
    }
  }

  @Override
  public void partitionMemory(List<TpcSet> partitions, double[] shares) {
    if (partitions.size() != shares.length) throw new IllegalArgumentException("one bandwidth share per partition");
    if (launchedAtoms > 0) throw new IllegalStateException("memory is partitioned before any atom runs");
    int d = partitions.size();
    domainBandwidthGBps = new double[d + 1];
    domainDemandGBps = new double[d + 1];
    Arrays.fill(domainOfSm, d); // SMs in no partition: a domain with the leftover share
    double left = 1.0;
    for (int i = 0; i < d; i++) {
      domainBandwidthGBps[i] = shares[i] * spec.memBandwidthGBps();
      left -= shares[i];
      for (int tpc : partitions.get(i)) {
        for (int s = 0; s < smsPerTpc; s++) domainOfSm[tpc * smsPerTpc + s] = i;
      }
    }
    domainBandwidthGBps[d] = Math.max(left, 1e-6) * spec.memBandwidthGBps();
    domainAtoms = new DomainAtoms[d + 1];
    for (int i = 0; i <= d; i++) domainAtoms[i] = new DomainAtoms(i);
    domainLevelRound = new int[d + 1];
    domainLevel = new double[d + 1];
    domainBlockDemandGBps = new double[d + 1];
    domainUpdates = new long[d + 1];
    domainDeltaAtom = new AtomState[d + 1];
    domainDelta = new int[d + 1];
    domainLevelStale = new boolean[d + 1];
    Arrays.fill(domainLevelStale, true);
  }

  @Override
  public void at(double atMs, Runnable action) {
    int slot;
    if (freeTimerSlots.isEmpty()) {
      slot = timers.size();
      timers.add(action);
    } else {
      slot = freeTimerSlots.remove(freeTimerSlots.size() - 1);
      timers.set(slot, action);
    }
    events.push(Math.max(atMs, now), EV_TIMER, slot);
  }

  @Override
  public void launch(Atom atom) { launch(atom, spec.launchOverheadUs()); }

  @Override
  public void launch(Atom atom, double waitUs) {
    if (byAtom.containsKey(atom)) throw new IllegalArgumentException("atom " + atom.id() + " launched twice");
    int last = atom.tpcs().isEmpty() ? -1 : atom.tpcs().last();
    if (last >= tpcCount) throw new IllegalArgumentException("atom " + atom.id() + " names TPC " + last + " but " + spec.id() + " has " + tpcCount);
    AtomState a = new AtomState(allocAtomSlot(), atom, now, spec, domainBandwidthGBps.length);
    atoms[a.index] = a;
    launchedAtoms++;
    byAtom.put(atom, a);
    double issueMs = Math.max(now, hostFreeMs);
    hostFreeMs = issueMs + dispatch.launchCallUs() / 1000.0;
    pushAtomEvent(issueMs + waitUs / 1000.0, EV_ATOM_READY, a);
    if (dispatch.yieldsToUrgent()) {
      want(a, 1);
      for (AtomState b : pending) if (!b.yielded && wantsAll(b)) yieldAtom(b);
    }
  }

  @Override
  public void abort(Atom atom) {
    AtomState a = byAtom.get(atom);
    if (a == null || a.finished) return;
    accrue();
    pending.remove(a);
    int killed = 0;
    for (int b = 0; b < blkHighWater; b++) {
      if (blkLive[b] && blkAtom[b] == a.index) {
        killed += blkCount[b];
        releaseBlock(b, false); // its completion event is still queued: the slot is reused only after it
      }
    }
    a.finished = true;
    a.running = 0;
    if (a.wants) want(a, -1);
    yielded.remove(a);
    // freed SMs take waiting work at once
    startedCount = 0;
    for (int sm = 0; sm < smCount; sm++) fillSm(sm);
    commitStarted();
    listener.onAtomAborted(atom, a.done, killed);
    releaseIfDone(a);
  }

  @Override
  public void runUntil(double endMs) {
    while (!events.isEmpty() && events.peekTime() <= endMs) {
      double t = events.peekTime();
      int kind = events.peekKind();
      int p = events.peekPayload();
      events.pop();
      eventsProcessed++;
      if (t > now) {
        accrue(t);
        now = t;
      }
      switch (kind) {
        case EV_BLOCK_DONE -> {
          // the chain's groups were pushed one after another with this time, so nothing else could
          // come between them in the queue: running them in chain order is the unbatched order
          int b = p;
          while (true) {
            int next = blkBatchNext[b]; // read first: blockDone may reuse b's slot
            blockDone(b);
            if (next < 0) break;
            eventsProcessed++; // counted as before batching, one event per group
            b = next;
          }
        }
        case EV_ATOM_READY -> {
          AtomState a = popAtomEvent(p);
          atomReady(a);
          releaseIfDone(a);
        }
        case EV_ATOM_SEEN -> {
          AtomState a = popAtomEvent(p);
          completionSeen(a);
          releaseIfDone(a);
        }
        case EV_RELAUNCH -> {
          AtomState a = popAtomEvent(p);
          relaunch(a, t);
          releaseIfDone(a);
        }
        case EV_RESUME -> {
          AtomState a = popAtomEvent(p);
          resume(a);
          releaseIfDone(a);
        }
        default -> {
          Runnable r = timers.get(p);
          timers.set(p, null);
          freeTimerSlots.add(p);
          r.run();
        }
      }
    }
    if (endMs > now && Double.isFinite(endMs)) {
      accrue(endMs);
      now = endMs;
    }
  }

  @Override
  public Telemetry telemetry() {
    accrue();
    return new Telemetry(now, busyTpcMs, energyJ, blocksRun, eventsProcessed);
  }

  @Override public void close() {}

  // ---- dispatch -------------------------------------------------------------------------

  private void atomReady(AtomState a) {
    if (a.finished) return; // aborted before it became ready
    if (dispatch.yieldsToUrgent() && wantsAll(a)) yieldAtom(a); // its blocks land on held TPCs only
    a.readySeq = readySeq++;
    int i = pending.size();
    while (i > 0 && !pending.get(i - 1).before(a)) i--;
    pending.add(i, a);
    startedCount = 0;
    // Spread first, as the hardware's block scheduler does: no SM takes more than its even share
    // of the atom's blocks while other SMs of the atom's TPCs have room, then whatever fits.
    int sms = a.tpcs.size() * smsPerTpc;
    a.perSmCap = (a.size + sms - 1) / sms;
    for (int pass = 0; pass < 2 && a.nextBlock < a.size; pass++) {
      fillSmsUntilPlaced(a);
      a.perSmCap = Integer.MAX_VALUE;
    }
    commitStarted();
  }

  /**
   * {@link #fillSmsOf} a's TPCs, stopping once all of a's blocks are placed and no other atom
   * waits: the SMs left would then find nothing to start (an 8-block kernel alone visits ~8 SMs,
   * not all of them). Not earlier while others wait: an SM may hold room that a waiting atom
   * could use but was denied while an atom ahead of it still had blocks to place, and the sweep
   * of a's TPCs is where that atom gets it (the queue order of {@link #fillSm}).
   */
  private void fillSmsUntilPlaced(AtomState a) {
    for (int tpc = a.tpcs.first(); tpc >= 0; tpc = a.tpcs.next(tpc + 1)) {
      for (int s = 0; s < smsPerTpc; s++) {
        fillSm(tpc * smsPerTpc + s);
        if (a.nextBlock == a.size && pending.isEmpty()) return;
      }
    }
  }

  private void completionSeen(AtomState a) {
    if (a.wants) want(a, -1);
    listener.onAtomDone(new AtomResult(a.atom, a.launchMs, a.startMs, a.endMs));
    if (!dispatch.yieldsToUrgent()) return;
    // as the CUDA backend: a completion sends every yielded atom to relaunch at once (after the
    // callbacks, which may have launched more urgent work)
    for (AtomState b : yielded) scheduleRelaunch(b, now);
    dispatchOn(a.tpcs); // its TPCs are no longer wanted
  }

  /** Starts what fits on the SMs of {@code tpcs} and gives the new blocks their durations. */
  private void dispatchOn(TpcSet tpcs) {
    startedCount = 0;
    fillSmsOf(tpcs);
    commitStarted();
  }

  private void fillSmsOf(TpcSet tpcs) {
    for (int tpc = tpcs.first(); tpc >= 0; tpc = tpcs.next(tpc + 1)) {
      for (int s = 0; s < smsPerTpc; s++) fillSm(tpc * smsPerTpc + s);
    }
  }

  // ---- yielding priorities (DispatchModel.yieldsToUrgent) ---------------------------------

  private void want(AtomState a, int delta) {
    a.wants = delta > 0;
    int[] n = wantedByPriority.computeIfAbsent(a.priority, p -> new int[tpcCount]);
    for (int tpc = a.tpcs.first(); tpc >= 0; tpc = a.tpcs.next(tpc + 1)) n[tpc] += delta;
  }

  /** Whether an in-flight atom more urgent than {@code priority} wants {@code tpc}. */
  private boolean wanted(int priority, int tpc) {
    for (int[] n : wantedByPriority.tailMap(priority, false).values()) if (n[tpc] > 0) return true;
    return false;
  }

  private boolean wantsAll(AtomState b) {
    for (int tpc = b.tpcs.first(); tpc >= 0; tpc = b.tpcs.next(tpc + 1)) if (!wanted(b.priority, tpc)) return false;
    return true;
  }

  /** All of b's TPCs are wanted: its blocks stop claiming and the rest is relaunched later. */
  private void yieldAtom(AtomState b) {
    b.yielded = true;
    b.zeroStreak = 0;
    yielded.add(b);
    scheduleRelaunch(b, now + spec.launchOverheadUs() / 1000.0);
  }

  private void scheduleRelaunch(AtomState b, double atMs) {
    if (b.relaunchAtMs >= 0 && b.relaunchAtMs <= atMs) return;
    b.relaunchAtMs = atMs;
    pushAtomEvent(atMs, EV_RELAUNCH, b);
  }

  private void relaunch(AtomState b, double eventMs) {
    if (!b.yielded || b.finished || eventMs != b.relaunchAtMs) return; // superseded
    b.relaunchAtMs = -1;
    double issueMs = Math.max(now, hostFreeMs); // a relaunch is a launch call
    hostFreeMs = issueMs + dispatch.launchCallUs() / 1000.0;
    if (wantsAll(b)) { // its blocks would find every TPC held: none runs, back off
      b.zeroStreak++;
      scheduleRelaunch(b, now + DispatchModel.relaunchBackoffUs(b.zeroStreak) / 1000.0);
      return;
    }
    b.yielded = false;
    yielded.remove(b);
    pushAtomEvent(issueMs + spec.launchOverheadUs() / 1000.0, EV_RESUME, b);
  }

  private void resume(AtomState b) {
    if (b.finished || b.yielded) return;
    dispatchOn(b.tpcs);
  }

  private void blockDone(int b) {
    if (!blkLive[b]) { // killed by an abort: this was its last event, so the slot may now be reused
      freeBlk[freeBlkCount++] = b;
      return;
    }
    AtomState a = atoms[blkAtom[b]];
    int sm = blkSm[b];
    int n = blkCount[b];
    releaseBlock(b, true);
    blocksRun += n;
    a.running -= n;
    a.done += n;
    if (a.done == a.size) {
      a.finished = true;
      a.endMs = now;
      if (dispatch.completionSeenUs() > 0) {
        pushAtomEvent(Math.max(now + dispatch.completionSeenUs() / 1000.0, hostFreeMs), EV_ATOM_SEEN, a);
      } else {
        completionSeen(a);
      }
    }
    startedCount = 0;
    fillSm(sm);
    commitStarted();
    if (a.finished) releaseIfDone(a);
  }

  // ---- atom slots ---------------------------------------------------------------------------

  private void pushAtomEvent(double atMs, int kind, AtomState a) {
    a.queuedEvents++;
    events.push(atMs, kind, a.index);
  }

  private AtomState popAtomEvent(int slot) {
    AtomState a = atoms[slot];
    a.queuedEvents--;
    return a;
  }

  /** Frees a finished (or aborted) atom's slot once no queued event names it. */
  private void releaseIfDone(AtomState a) {
    if (!a.finished || a.queuedEvents > 0 || a.released) return;
    a.released = true;
    atoms[a.index] = null;
    byAtom.remove(a.atom);
    if (freeAtomSlotCount == freeAtomSlots.length) freeAtomSlots = Arrays.copyOf(freeAtomSlots, freeAtomSlotCount * 2);
    freeAtomSlots[freeAtomSlotCount++] = a.index;
  }

  /** Atom slots taken now (in flight, or finished with an event still queued): bounded, whatever the run length. */
  int atomSlotsInUse() { return atomHighWater - freeAtomSlotCount; }

  private int allocAtomSlot() {
    if (freeAtomSlotCount > 0) return freeAtomSlots[--freeAtomSlotCount];
    if (atomHighWater == atoms.length) atoms = Arrays.copyOf(atoms, atoms.length * 2);
    return atomHighWater++;
  }

  /**
   * Start as many waiting blocks on {@code sm} as fit, in hardware-queue order. The order is
   * strict: while the first atom that may use this SM still has blocks to place, no later atom
   * gets the SM (else a kernel with big blocks could starve behind a stream of small ones).
   */
  private void fillSm(int sm) {
    int tpc = sm / smsPerTpc;
    for (int i = 0; i < pending.size(); ) {
      AtomState a = pending.get(i);
      if (!a.tpcs.contains(tpc) || (dispatch.yieldsToUrgent() && (a.yielded || wanted(a.priority, tpc)))) {
        i++;
        continue;
      }
      int n = Math.min(Math.min(a.size - a.nextBlock, a.perSmCap), fitting(a, sm));
      if (n > 0) startBlocks(a, sm, n);
      if (a.nextBlock < a.size) return;
      pending.remove(i); // all its blocks started: the next atom may use what is left
    }
  }

  /** How many more blocks of {@code a} fit on {@code sm} (the occupancy calculation on what is left). */
  private int fitting(AtomState a, int sm) {
    GpuSpec.SmLimits l = spec.smLimits();
    int n = l.maxBlocks() - usedBlocks[sm];
    n = Math.min(n, (l.maxThreads() - usedThreads[sm]) / a.threads);
    n = Math.min(n, (l.registers() - usedRegs[sm]) / a.regs);
    if (a.smem > 0) n = Math.min(n, (l.sharedMemBytes() - usedSmem[sm]) / a.smem);
    return Math.max(0, n);
  }

  private void startBlocks(AtomState a, int sm, int n) {
    if (a.startMs < 0) a.startMs = now;
    a.nextBlock += n;
    a.running += n;
    int b = allocBlock();
    blkCount[b] = n;
    blkAtom[b] = a.index;
    blkSm[b] = sm;
    blkDemand[b] = demandAtClock(a);
    blkLive[b] = true;
    blkPrev[b] = -1;
    blkNext[b] = smFirst[sm];
    if (smFirst[sm] >= 0) blkPrev[smFirst[sm]] = b;
    smFirst[sm] = b;
    int dom = domainOfSm[sm];
    if (a.residentByDomain[dom] == 0) {
      domainAtoms[dom].add(a);
      domainLevelStale[dom] = true;
    }
    a.residentByDomain[dom] += n;
    domainCountChanged(dom, a, n);
    addDomainDemand(dom, n * demandAtClock(a));
    smBlockDemandGBps[sm] += n * blkDemand[b];
    usedThreads[sm] += n * a.threads;
    usedRegs[sm] += n * a.regs;
    usedSmem[sm] += n * a.smem;
    usedBlocks[sm] += n;
    int tpc = sm / smsPerTpc;
    if (residentPerTpc[tpc] == 0) busyTpcs++;
    residentPerTpc[tpc] += n;
    addDemand(sm, n * blkDemand[b]);
    if (startedCount == started.length) started = Arrays.copyOf(started, startedCount * 2);
    started[startedCount++] = b;
  }

  /**
   * Give the blocks started at this instant their durations, with the contention they see.
   * DRAM bandwidth is shared max-min fairly, on each SM (its cap) and in each bandwidth domain: a
   * block asking for less than the water level runs at full speed, one asking for more is
   * stretched by demand / level. A lone kernel thus takes {@link Kernel#idealLatencyUs}.
   */
  private void commitStarted() {
    round++;
    for (int i = 0; i < startedCount; i++) {
      int b = started[i];
      AtomState a = atoms[blkAtom[b]];
      int sm = blkSm[b];
      int d = domainOfSm[sm];
      double level = Math.min(smLevel(sm), domainLevel(d));
      double slowdown = Math.max(1.0, blkDemand[b] / level);
      double us = blockUsAtClock(a) * slowdown;
      double endMs = now + us / 1000.0;
      blkBatchNext[b] = -1;
      // One queue entry for groups ending together: a group joins the chain pushed last when nothing
      // was pushed since and that chain ends later than now (so it is still queued). Unbatched, the two
      // would have been adjacent in the queue (same time, consecutive insertion), so running the
      // chain in order is the unbatched order (see runUntil). This groups SMs in the same state: the
      // blocks one wave's completions start, SM after SM, end together again.
      if (endMs == chainEndMs && endMs > now && events.lastSeq() == chainSeq) {
        blkBatchNext[chainTail] = b;
      } else {
        events.push(endMs, EV_BLOCK_DONE, b);
        chainEndMs = endMs;
        chainSeq = events.lastSeq();
      }
      chainTail = b;
    }
    startedCount = 0;
  }

  private double smLevel(int sm) {
    if (smLevelRound[sm] == round) return smLevel[sm];
    smLevelRound[sm] = round;
    if (fits(smBlockDemandGBps[sm], smCapGBps)) return smLevel[sm] = Double.POSITIVE_INFINITY;
    int k = 0;
    for (int g = smFirst[sm]; g >= 0; g = blkNext[g]) {
      if (k == fillDemand.length) growFill();
      fillDemand[k] = blkDemand[g];
      fillCount[k++] = blkCount[g];
    }
    return smLevel[sm] = waterLevel(smCapGBps, k);
  }

  private double domainLevel(int d) {
    if (domainLevelRound[d] == round) return domainLevel[d];
    domainLevelRound[d] = round;
    if (!domainLevelStale[d] && domainDelta[d] == 0) {
      domainDeltaAtom[d] = null;
      return domainLevel[d]; // the same list as when it was computed
    }
    domainLevelStale[d] = false;
    domainDeltaAtom[d] = null;
    domainDelta[d] = 0;
    if (fits(domainBlockDemandGBps[d], domainBandwidthGBps[d])) return domainLevel[d] = Double.POSITIVE_INFINITY;
    int k = 0;
    for (AtomState a = domainAtoms[d].first; a != null; a = a.domainNext[d]) {
      if (k == fillDemand.length) growFill();
      fillDemand[k] = demandAtClock(a);
      fillCount[k++] = a.residentByDomain[d];
    }
    return domainLevel[d] = waterLevel(domainBandwidthGBps[d], k);
  }

  /**
   * Whether a demand sum surely fits {@code capacity}, so that {@link #waterLevel} would return
   * +infinity: with a margin of 1e-6 of the capacity, far above both the drift of the running sums
   * (domain sums are recomputed exactly every 2^20 additions, SM sums restart at 0 when the SM
   * empties) and the rounding inside waterLevel. Demands near the capacity take the full fill.
   */
  private static boolean fits(double demandGBps, double capacityGBps) {
    return demandGBps <= capacityGBps * (1 - FITS_MARGIN);
  }

  private static final double FITS_MARGIN = 1e-6;

  private void domainCountChanged(int d, AtomState a, int delta) {
    if (domainLevelStale[d]) return;
    if (domainDeltaAtom[d] == null) domainDeltaAtom[d] = a;
    else if (domainDeltaAtom[d] != a) {
      domainLevelStale[d] = true;
      return;
    }
    domainDelta[d] += delta;
  }

  private void addDomainDemand(int d, double gbps) {
    if (++domainUpdates[d] >= 1 << 20) recomputeDomainDemand(d);
    else domainBlockDemandGBps[d] += gbps;
  }

  private void recomputeDomainDemand(int d) {
    double sum = 0;
    for (AtomState a = domainAtoms[d].first; a != null; a = a.domainNext[d]) sum += a.residentByDomain[d] * demandAtClock(a);
    domainBlockDemandGBps[d] = sum;
    domainUpdates[d] = 0;
  }

  /** A block's time of {@code a} at the current clock before contention (cached while the clock stays). */
  private double blockUsAtClock(AtomState a) {
    if (a.clockEpoch != clockEpoch) cacheClockTerms(a);
    return a.blockUsAtClock;
  }

  /** The DRAM GB/s one block of {@code a} asks for at the current clock (cached while the clock stays). */
  private double demandAtClock(AtomState a) {
    if (a.clockEpoch != clockEpoch) cacheClockTerms(a);
    return a.demandGBps;
  }

  private void cacheClockTerms(AtomState a) {
    double us = a.work.blockUsAtClock(clockRatio);
    a.blockUsAtClock = us * computeScale;
    a.demandGBps = a.work.blockDramBytes() / (us * computeScale * 1000.0);
    a.clockEpoch = clockEpoch;
  }

  /**
   * The max-min fair share: the level L with sum of count·min(demand, L) = capacity over the
   * first {@code k} entries of the fill arrays, or +infinity when all demands fit.
   */
  private double waterLevel(double capacity, int k) {
    // insertion sort by demand: k is the number of distinct groups, a handful
    for (int i = 1; i < k; i++) {
      double d = fillDemand[i];
      int c = fillCount[i];
      int j = i - 1;
      while (j >= 0 && fillDemand[j] > d) {
        fillDemand[j + 1] = fillDemand[j];
        fillCount[j + 1] = fillCount[j];
        j--;
      }
      fillDemand[j + 1] = d;
      fillCount[j + 1] = c;
    }
    double left = capacity;
    long blocks = 0;
    for (int i = 0; i < k; i++) blocks += fillCount[i];
    for (int i = 0; i < k; i++) {
      double share = left / blocks;
      if (fillDemand[i] > share) return share;
      left -= fillDemand[i] * fillCount[i];
      blocks -= fillCount[i];
    }
    return Double.POSITIVE_INFINITY;
  }

  private void growFill() {
    fillDemand = Arrays.copyOf(fillDemand, fillDemand.length * 2);
    fillCount = Arrays.copyOf(fillCount, fillCount.length * 2);
  }

  /** An SM draws at most its cap; the domain sees the capped draw of each SM. */
  private void addDemand(int sm, double gbps) {
    double before = Math.min(smDemandGBps[sm], smCapGBps);
    smDemandGBps[sm] += gbps;
    domainDemandGBps[domainOfSm[sm]] += Math.min(smDemandGBps[sm], smCapGBps) - before;
  }

  /**
   * Frees the SM resources of group {@code b}. {@code freeSlot} false keeps the slot reserved
   * (an aborted group whose completion event is still queued): reusing it earlier would let that
   * stale event complete whichever group took the slot next.
   */
  private void releaseBlock(int b, boolean freeSlot) {
    int sm = blkSm[b];
    AtomState a = atoms[blkAtom[b]];
    int n = blkCount[b];
    usedThreads[sm] -= n * a.threads;
    usedRegs[sm] -= n * a.regs;
    usedSmem[sm] -= n * a.smem;
    usedBlocks[sm] -= n;
    addDemand(sm, -n * blkDemand[b]);
    if (blkPrev[b] >= 0) blkNext[blkPrev[b]] = blkNext[b]; else smFirst[sm] = blkNext[b];
    if (blkNext[b] >= 0) blkPrev[blkNext[b]] = blkPrev[b];
    int dom = domainOfSm[sm];
    a.residentByDomain[dom] -= n;
    domainCountChanged(dom, a, -n);
    if (a.residentByDomain[dom] == 0) {
      domainAtoms[dom].remove(a);
      domainLevelStale[dom] = true;
    }
    if (domainAtoms[dom].first == null) {
      domainBlockDemandGBps[dom] = 0;
      domainUpdates[dom] = 0;
    } else {
      addDomainDemand(dom, -(n * demandAtClock(a)));
    }
    smBlockDemandGBps[sm] = smFirst[sm] < 0 ? 0 : smBlockDemandGBps[sm] - n * blkDemand[b];
    int tpc = sm / smsPerTpc;
    residentPerTpc[tpc] -= n;
    if (residentPerTpc[tpc] == 0) busyTpcs--;
    blkLive[b] = false;
    if (freeSlot) freeBlk[freeBlkCount++] = b;
  }

  private int allocBlock() {
    if (freeBlkCount > 0) return freeBlk[--freeBlkCount];
    if (blkHighWater == blkAtom.length) {
      int n = blkAtom.length * 2;
      blkCount = Arrays.copyOf(blkCount, n);
      blkAtom = Arrays.copyOf(blkAtom, n);
      blkSm = Arrays.copyOf(blkSm, n);
      blkDemand = Arrays.copyOf(blkDemand, n);
      blkNext = Arrays.copyOf(blkNext, n);
      blkPrev = Arrays.copyOf(blkPrev, n);
      blkBatchNext = Arrays.copyOf(blkBatchNext, n);
      blkLive = Arrays.copyOf(blkLive, n);
      freeBlk = Arrays.copyOf(freeBlk, n);
    }
    return blkHighWater++;
  }

  // ---- energy ---------------------------------------------------------------------------

  private void accrue() { accrue(now); }

  private void accrue(double t) {
    double dt = t - lastAccrueMs;
    if (dt <= 0) return;
    double demand = 0;
    double bw = 0;
    for (int d = 0; d < domainDemandGBps.length; d++) {
      demand += Math.min(domainDemandGBps[d], domainBandwidthGBps[d]);
      bw += domainBandwidthGBps[d];
    }
    double busyFrac = (double) busyTpcs / tpcCount;
    double watts = spec.power().wattsAtClockFactor(busyFrac, clockPowerFactor, demand / bw);
    energyJ += watts * dt / 1000.0;
    busyTpcMs += busyTpcs * dt;
    lastAccrueMs = t;
  }

  /**
   * The atoms resident in one bandwidth domain, in the order they became resident (the order the
   * max-min fill has always seen them in), linked through the atoms so removal is O(1).
   */
  private static final class DomainAtoms {
    final int d;
    AtomState first;
    AtomState last;

    DomainAtoms(int d) { this.d = d; }

    void add(AtomState a) {
      a.domainPrev[d] = last;
      a.domainNext[d] = null;
      if (last != null) last.domainNext[d] = a; else first = a;
      last = a;
    }

    void remove(AtomState a) {
      AtomState p = a.domainPrev[d], n = a.domainNext[d];
      if (p != null) p.domainNext[d] = n; else first = n;
      if (n != null) n.domainPrev[d] = p; else last = p;
      a.domainPrev[d] = null;
      a.domainNext[d] = null;
    }
  }

  /** Per-atom simulation state. */
  private static final class AtomState {
    final int index;
    final Atom atom;
    final TpcSet tpcs;
    final int size;
    final int priority;
    final int threads;
    final int regs;
    final int smem;
    final io.lithosj.kernel.WorkProfile work;
    final double launchMs;
    long readySeq;
    int nextBlock;
    int running;
    int done;
    double startMs = -1;
    double endMs;
    int perSmCap = Integer.MAX_VALUE; // while it is first placed: its even share per SM
    boolean wants;          // in flight and yielding priorities: its TPCs are wanted
    boolean yielded;        // stopped for more urgent work; relaunches later
    int zeroStreak;         // relaunches that found every TPC held
    double relaunchAtMs = -1;
    boolean finished;
    int queuedEvents;       // queued events naming its slot; the slot is freed only at 0
    boolean released;
    int clockEpoch = -1;    // the clock epoch of the two cached terms below
    double blockUsAtClock;  // block time at that clock, before contention (ms x 1000)
    double demandGBps;      // DRAM demand of one block at full speed at that clock

    final int[] residentByDomain;
    final AtomState[] domainPrev; // links of DomainAtoms, per domain
    final AtomState[] domainNext;

    AtomState(int index, Atom atom, double launchMs, GpuSpec spec, int domains) {
      this.residentByDomain = new int[domains];
      this.domainPrev = new AtomState[domains];
      this.domainNext = new AtomState[domains];
      this.index = index;
      this.atom = atom;
      this.tpcs = atom.tpcs();
      this.size = atom.blocks();
      this.priority = atom.priority();
      Kernel k = atom.kernel();
      int warpThreads = (k.threadsPerBlock() + 31) / 32 * 32;
      GpuSpec.SmLimits l = spec.smLimits();
      // clamped so that one block always fits (see Kernel.blocksPerSm)
      this.threads = Math.min(warpThreads, l.maxThreads());
      this.regs = Math.min(Math.max(1, k.regsPerThread()) * warpThreads, l.registers());
      this.smem = Math.min(k.smemPerBlockBytes(), l.sharedMemBytes());
      this.work = k.work();
      this.launchMs = launchMs;
    }

    /** Hardware-queue order: higher priority first, then earlier ready. */
    boolean before(AtomState o) {
      return priority != o.priority ? priority > o.priority : readySeq < o.readySeq;
    }
  }
}
