package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.backend.AtomResult;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;

/**
 * Default CUDA time slicing between processes: one tenant's context owns the whole GPU for a
 * time slice; when the slice ends and another tenant has work, the GPU switches contexts.
 *
 * <p>Modeling choice: the modeled GPU does not save and restore running blocks, so a context
 * switch is made at block granularity: the owner's kernels are issued one wave at a time (with
 * one wave queued ahead, so no gap opens), and at a switch the GPU drains the issued waves and
 * pays {@code switchUs}. A tenant with nothing to run yields its slice at once, as the hardware
 * scheduler does with an idle context.
 */
public final class TimeSlicing implements Policy {
  /** Parameters. */
  public static final class Params {
    /** Time slice; the driver's default is undocumented, ~2 ms is what measurements report. */
    @Param(unit = "ms", value = "Time slice (the driver's is undocumented; measurements report about 2 ms).")
    public double sliceMs = 2.0;
    /** Cost of a context switch. */
    @Param(unit = "us", value = "Cost of a context switch.")
    public double switchUs = 25.0;
  }

  private final Params params;
  private PolicyContext ctx;
  private KernelLaunch[] current; // each tenant's outstanding launch (stream order: at most one)
  private int[] nextBlock;
  private int inFlight;
  private int owner = -1;
  private double sliceEndMs;
  private boolean switching;
  private long sliceToken;

  public TimeSlicing(Params params) {
    if (!(params.sliceMs > 0)) throw new IllegalArgumentException("sliceMs must be > 0, was " + params.sliceMs);
    if (!(params.switchUs >= 0)) throw new IllegalArgumentException("switchUs must be >= 0, was " + params.switchUs);
    this.params = params;
  }

  @Override public String name() { return "time-slicing"; }

  @Override
  public void start(PolicyContext ctx) {
    this.ctx = ctx;
    int n = ctx.tenants().size();
    current = new KernelLaunch[n];
    nextBlock = new int[n];
  }

  @Override
  public void onSubmit(KernelLaunch k) {
    current[k.tenant()] = k;
    nextBlock[k.tenant()] = 0;
    if (owner < 0 && !switching) {
      grant(k.tenant());
    } else if (owner != k.tenant() && !switching && current[owner] == null && inFlight == 0) {
      beginSwitch(); // the owner sits idle: hand the GPU over now
    } else {
      pump();
    }
  }

  @Override
  public void onAtomDone(AtomResult r) {
    inFlight--;
    int t = r.atom().tenant();
    if (current[t] == r.atom().launch() && nextBlock[t] == current[t].blocks() && inFlight == 0) {
      current[t] = null; // its next kernel, if any, arrives through onSubmit right after this
    }
    if (switching && inFlight == 0) {
      finishSwitch();
      return;
    }
    pump();
    // The tenant's stream may submit its next kernel right after this callback; if it has none,
    // yield at the next instant.
    ctx.at(ctx.nowMs(), this::yieldIfIdle);
  }

  private void yieldIfIdle() {
    if (owner >= 0 && !switching && inFlight == 0 && current[owner] == null && nextOwnerAfter(owner) >= 0) {
      beginSwitch();
    }
  }

  private void grant(int tenant) {
    owner = tenant;
    switching = false;
    sliceEndMs = ctx.nowMs() + params.sliceMs;
    long token = ++sliceToken;
    ctx.at(sliceEndMs, () -> sliceExpired(token));
    pump();
  }

  private void sliceExpired(long token) {
    if (token != sliceToken || switching) return;
    if (nextOwnerAfter(owner) >= 0) {
      beginSwitch();
    } else {
      grant(owner); // nobody else waits: keep the GPU
    }
  }

  private void beginSwitch() {
    switching = true;
    if (inFlight == 0) finishSwitch();
  }

  private void finishSwitch() {
    int next = nextOwnerAfter(owner);
    owner = -1;
    if (next < 0) {
      switching = false;
      return;
    }
    ctx.at(ctx.nowMs() + params.switchUs / 1000.0, () -> grant(next));
  }

  /** Round robin: the next tenant after {@code t} with a kernel waiting, or -1. */
  private int nextOwnerAfter(int t) {
    int n = current.length;
    for (int i = 1; i <= n; i++) {
      int c = ((t < 0 ? -1 : t) + i) % n;
      if (c != t && current[c] != null && nextBlock[c] < current[c].blocks()) return c;
    }
    return -1;
  }

  /** Keep up to two waves of the owner's kernel issued. */
  private void pump() {
    if (owner < 0 || switching) return;
    KernelLaunch k = current[owner];
    while (k != null && inFlight < 2 && nextBlock[owner] < k.blocks()) {
      int wave = k.kernel().waveSize(ctx.gpu(), ctx.gpu().tpcCount());
      int lo = nextBlock[owner];
      int hi = Math.min(k.blocks(), lo + wave);
      nextBlock[owner] = hi;
      inFlight++;
      ctx.launch(ctx.atom(k, lo, hi, ctx.gpu().allTpcs(), 0));
    }
  }
}
