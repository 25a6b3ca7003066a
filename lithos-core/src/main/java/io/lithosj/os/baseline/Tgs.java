package io.lithosj.os.baseline;

import io.lithosj.backend.AtomResult;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import io.lithosj.workload.TenantSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TGS (Wu et al., NSDI '23): transparent sharing between a production (HP) and an
 * opportunistic (BE) job. Both run on the whole GPU, HP on the higher stream priority; the BE
 * job's kernel launches are rate limited. The HP job's launched blocks per period are its
 * throughput signal; {@link TgsRateController} raises the BE budget while that throughput
 * holds and backs off when it drops. A BE launch that finds its window's budget spent waits
 * in {@code pollMs} ticks (the hijacked cuLaunchKernel sleeps), so only BE is ever delayed.
 *
 * <p>Modeling notes: several BE tenants share one budget (TGS pairs one HP with one BE job per
 * GPU); reports and windows are evaluated lazily at events, which gives the same buckets as
 * TGS's periodic threads without keeping the event queue busy.
 */
public final class Tgs implements Policy {
  static final int HP_PRIORITY = 1;
  static final int BE_PRIORITY = 0;

  private final TgsParams p;
  private final TgsRateController controller;
  private PolicyContext ctx;
  private boolean hasHp;

  private long reportIndex;     // reports delivered so far
  private double hpBlocksInPeriod;
  private long windowIndex;
  private long beBlocksInWindow;
  private long beBlocksLastWindow;

  private long throttledLaunches;
  private double throttleWaitMs;

  public Tgs(TgsParams p) {
    p.validate();
    this.p = p;
    this.controller = new TgsRateController(p);
  }

  @Override public String name() { return "tgs"; }

  @Override public void start(PolicyContext ctx) {
    this.ctx = ctx;
    hasHp = ctx.tenants().stream().anyMatch(TenantSpec::isHighPriority);
  }

  @Override public void onSubmit(KernelLaunch l) {
    advanceClock();
    if (ctx.tenants().get(l.tenant()).isHighPriority()) {
      hpBlocksInPeriod += l.blocks(); // rate_estimator counts the grid at launch
      ctx.launch(ctx.atom(l, 0, l.blocks(), ctx.gpu().allTpcs(), HP_PRIORITY));
    } else {
      tryLaunchBe(l, ctx.nowMs());
    }
  }

  @Override public void onAtomDone(AtomResult r) {
    advanceClock();
  }

  /** rate_limiter: wait while this window's launched blocks exceed the budget, then launch. */
  private void tryLaunchBe(KernelLaunch l, double firstTryMs) {
    advanceClock();
    if (hasHp && beBlocksInWindow > controller.limitBlocks()) {
      if (firstTryMs == ctx.nowMs()) throttledLaunches++;
      ctx.at(ctx.nowMs() + p.pollMs, () -> tryLaunchBe(l, firstTryMs));
      return;
    }
    throttleWaitMs += ctx.nowMs() - firstTryMs;
    beBlocksInWindow += l.blocks();
    ctx.launch(ctx.atom(l, 0, l.blocks(), ctx.gpu().allTpcs(), BE_PRIORITY));
  }

  /** Deliver the reports and close the rate windows whose boundaries have passed. */
  private void advanceClock() {
    double now = ctx.nowMs();
    long w = (long) Math.floor(now / p.rateWindowMs);
    if (w != windowIndex) {
      beBlocksLastWindow = w == windowIndex + 1 ? beBlocksInWindow : 0;
      beBlocksInWindow = 0;
      windowIndex = w;
    }
    long due = (long) Math.floor(now / p.reportPeriodMs);
    while (hasHp && reportIndex < due) {
      controller.onReport(hpBlocksInPeriod, beBlocksLastWindow);
      hpBlocksInPeriod = 0;
      reportIndex++;
    }
  }

  /** The BE budget now, in blocks per rate window (for tests and notebooks). */
  public long limitBlocks() { return controller.limitBlocks(); }

  public boolean profiling() { return controller.profiling(); }

  @Override public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("tgs.reports", (double) controller.reports());
    m.put("tgs.profiling", controller.profiling() ? 1.0 : 0.0);
    m.put("tgs.maxHpBlocksPerPeriod", controller.maxRate());
    m.put("tgs.beLimitBlocksPerWindow", (double) controller.limitBlocks());
    m.put("tgs.beThrottledLaunches", (double) throttledLaunches);
    m.put("tgs.beThrottleWaitMs", throttleWaitMs);
    return m;
  }
}
