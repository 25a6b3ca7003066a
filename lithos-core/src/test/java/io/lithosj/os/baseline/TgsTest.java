package io.lithosj.os.baseline;

import static io.lithosj.os.baseline.FakeContext.compute;
import static io.lithosj.os.baseline.FakeContext.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.os.Policies;
import io.lithosj.workload.Priority;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TgsTest {
  private static final Kernel HP_K = compute("hp", 1000, 20);
  private static final Kernel BE_K = compute("be", 2000, 20);

  /** TGS with its periods scaled down 50x so that a test covers many reports. */
  private static TgsParams scaled() {
    TgsParams p = new TgsParams();
    p.reportPeriodMs = 100;
    p.rateWindowMs = 1;
    p.pollMs = 0.2;
    return p;
  }

  private static FakeContext context() {
    return new FakeContext(GpuSpec.H100_SXM, List.of(
        training("hp", Priority.HP, HP_K), training("be", Priority.BE, BE_K)));
  }

  /** The HP job launches one kernel every {@code gapMs} in [from, to). */
  private static void hpRuns(FakeContext ctx, double fromMs, double toMs, double gapMs) {
    for (double t = fromMs; t < toMs; t += gapMs) {
      ctx.advanceTo(t);
      ctx.submit(0, HP_K, 0);
    }
    ctx.advanceTo(toMs);
  }

  @Test
  void whileProfilingBeGetsOneKernelPerWindowAndHpIsNeverDelayed() {
    FakeContext ctx = context();
    Tgs tgs = new Tgs(scaled());
    ctx.start(tgs);
    ctx.advanceTo(5.1);
    ctx.submit(1, BE_K, 0);
    assertEquals(5.1, ctx.last().atMs(), 1e-9, "first BE kernel of the window goes at once");
    ctx.advanceTo(5.3);
    ctx.submit(1, BE_K, 0);
    int before = ctx.atomsOf(1).size();
    ctx.submit(0, HP_K, 0);
    assertEquals(5.3, ctx.last().atMs(), 1e-9, "HP launches immediately");
    assertEquals(1, ctx.last().atom().priority(), "HP on the high-priority stream");
    ctx.advanceTo(5.99);
    assertEquals(before, ctx.atomsOf(1).size(), "second BE kernel waits for the next window");
    ctx.advanceTo(6.5);
    assertEquals(before + 1, ctx.atomsOf(1).size());
    double at = ctx.launched.stream().filter(x -> x.atom().tenant() == 1).reduce((a, b) -> b).orElseThrow().atMs();
    assertEquals(6.1, at, 1e-6, "retried every pollMs: first tick inside the new window");
    assertEquals(0, ctx.atomsOf(1).get(1).priority(), "BE on the low-priority stream");
    assertEquals(1.0, tgs.metrics().get("tgs.beThrottledLaunches"));
  }

  @Test
  void budgetGrowsWhileHpHoldsAndShrinksWhenHpThroughputDrops() {
    FakeContext ctx = context();
    Tgs tgs = new Tgs(scaled());
    ctx.start(tgs);
    hpRuns(ctx, 0, 1200, 1.0); // 100 kernels = 100k blocks per report
    assertTrue(!tgs.profiling(), "profiling over after ~6 steady reports");
    long grown = tgs.limitBlocks();
    assertTrue(grown > new TgsParams().initialLimitBlocks, "slow start raised the budget to " + grown);
    hpRuns(ctx, 1200, 1500, 1.2); // HP throughput falls ~16%: interference
    assertTrue(tgs.limitBlocks() < grown / 2, "budget fell from " + grown + " to " + tgs.limitBlocks());
    Map<String, Double> m = tgs.metrics();
    assertEquals(14.0, m.get("tgs.reports"), "reports delivered up to the last event (t = 1498.8)");
  }

  @Test
  void registeredWithAuthorsDefaultsAndFieldNamedErrors() {
    assertTrue(Policies.names().contains("tgs"));
    TgsParams d = (TgsParams) Policies.defaults("tgs");
    assertEquals(5000, d.reportPeriodMs);
    assertEquals(50, d.rateWindowMs);
    assertEquals(20000, d.initialLimitBlocks);
    var e = assertThrows(Policies.PolicyConfigException.class,
        () -> Policies.create("tgs", Map.of("pollMs", -1)));
    assertEquals("policy.params.pollMs", e.field());
    var u = assertThrows(Policies.PolicyConfigException.class,
        () -> Policies.create("tgs", Map.of("reportPeriod", 10)));
    assertEquals("policy.params.reportPeriod", u.field());
  }
}
