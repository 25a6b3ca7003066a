package io.lithosj.os.baseline;

import static io.lithosj.os.baseline.FakeContext.compute;
import static io.lithosj.os.baseline.FakeContext.inference;
import static io.lithosj.os.baseline.FakeContext.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import io.lithosj.workload.Priority;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReefTest {
  private static final GpuSpec H100 = GpuSpec.H100_SXM;
  /** 264 blocks at 8 per SM: one wave on 17 of 66 TPCs, 100 µs. */
  private static final Kernel HP_SMALL = compute("hp_conv", 264, 100);
  private static final Kernel BE_SHORT = compute("be_short", 10_000, 20);
  private static final Kernel BE_LONG = compute("be_long", 2112, 1000);

  private static FakeContext stack(Kernel be) {
    return new FakeContext(H100, List.of(inference("hp", Priority.HP, HP_SMALL), training("be", Priority.BE, be)));
  }

  @Test
  void resetsRunningBeWorkAndLaunchesHpWithinThePreemptionBound() {
    FakeContext ctx = stack(BE_LONG);
    Reef reef = new Reef(new ReefParams());
    ctx.start(reef);
    ctx.submit(1, BE_LONG, 0);
    Atom be = ctx.last().atom();
    assertEquals(H100.allTpcs(), be.tpcs(), "normal mode: BE on the whole GPU");
    ctx.advanceTo(0.5);
    ctx.submit(0, HP_SMALL, 0);
    assertEquals(List.of(be), ctx.aborted, "the running BE kernel is reset");
    ctx.reportAborted(be, 1056, 1056); // one wave done, one wave killed mid-way
    assertEquals(0, ctx.atomsOf(0).size(), "HP waits for the reset to complete");
    ctx.advanceTo(0.5 + 0.040);
    assertEquals(1, ctx.atomsOf(0).size());
    assertEquals(0.540, ctx.last().atMs(), 1e-12, "HP launched preemptLatencyUs after arrival");
    assertEquals(Reef.HP_PRIORITY, ctx.last().atom().priority());
    // The killed BE kernel's blocks (1000 µs each) outlast the HP kernel: no padding.
    assertEquals(H100.allTpcs(), ctx.last().atom().tpcs());
    assertEquals(1, ctx.atomsOf(1).size(), "BE waits while the HP request is in flight");

    ctx.advanceTo(0.65);
    ctx.finish(ctx.last().atom()); // the HP request (one kernel) ends
    ctx.advanceTo(0.65);
    Atom rerun = ctx.atomsOf(1).get(1);
    assertEquals(0, rerun.blockLo());
    assertEquals(BE_LONG.blocks(), rerun.blockHi(), "the killed kernel is re-run from its first block");
    assertEquals(1.0, reef.metrics().get("reef.preemptions"));
    assertEquals(1056.0, reef.metrics().get("reef.killedBlocks"));
    assertEquals(1056.0, reef.metrics().get("reef.redoneBlocks"));
    assertEquals(1056 * 1.0, reef.metrics().get("reef.redoneBlockMs"), 1e-9);
  }

  @Test
  void noResetCostWhenNoBeWorkIsRunning() {
    FakeContext ctx = stack(BE_LONG);
    ctx.start(new Reef(new ReefParams()));
    ctx.submit(0, HP_SMALL, 0);
    assertEquals(0.0, ctx.last().atMs());
    assertTrue(ctx.aborted.isEmpty());
  }

  @Test
  void padsTheHpKernelWithBeBlocksThatFitItsDuration() {
    FakeContext ctx = stack(BE_SHORT);
    Reef reef = new Reef(new ReefParams());
    ctx.start(reef);
    ctx.submit(0, HP_SMALL, 0); // an HP request: RT mode
    ctx.submit(1, BE_SHORT, 0); // arrives in RT mode: waits for padding or normal mode
    assertEquals(0, ctx.atomsOf(1).size());
    ctx.finish(ctx.atomsOf(0).get(0)); // request over ...
    ctx.submit(0, HP_SMALL, 0);        // ... and the next one arrives at the same instant
    Atom hp = ctx.atomsOf(0).get(1);
    Atom pad = ctx.atomsOf(1).get(0);
    assertEquals(TpcSet.range(0, 17), hp.tpcs(), "HP squeezed onto the fewest TPCs keeping one wave");
    assertEquals(TpcSet.range(17, 66), pad.tpcs(), "BE padding on the TPCs HP leaves free");
    int perWave = BE_SHORT.waveSize(H100, 49);
    int iters = (int) Math.floor(HP_SMALL.idealLatencyUs(H100, 17) / 20.0);
    assertEquals(5, iters);
    assertEquals(0, pad.blockLo());
    assertEquals(perWave * iters, pad.blockHi(), "as many BE waves as fit in the HP kernel's latency");
    assertEquals((double) perWave * iters, reef.metrics().get("reef.paddedBlocks"));
    ctx.advanceTo(0.0);
    assertEquals(1, ctx.atomsOf(1).size(), "RT mode again: no normal-mode BE launch");
  }

  @Test
  void noPaddingWhenTheMergedKernelWouldLowerHpOccupancy() {
    Kernel fat = new Kernel("be_fat_smem", 10_000, 256, 32, 100 * 1024, new WorkProfile(20, 4096, 1.0));
    FakeContext ctx = stack(fat);
    ctx.start(new Reef(new ReefParams()));
    ctx.submit(0, HP_SMALL, 0);
    ctx.submit(1, fat, 0);
    ctx.finish(ctx.atomsOf(0).get(0));
    ctx.submit(0, HP_SMALL, 0);
    assertEquals(H100.allTpcs(), ctx.atomsOf(0).get(1).tpcs());
    assertEquals(0, ctx.atomsOf(1).size());
  }

  @Test
  void resetOnlyModeNeverPads() {
    ReefParams p = new ReefParams();
    p.kernelPadding = false;
    FakeContext ctx = stack(BE_SHORT);
    ctx.start(new Reef(p));
    ctx.submit(0, HP_SMALL, 0);
    ctx.submit(1, BE_SHORT, 0);
    ctx.finish(ctx.atomsOf(0).get(0));
    ctx.submit(0, HP_SMALL, 0);
    assertEquals(H100.allTpcs(), ctx.atomsOf(0).get(1).tpcs());
    assertEquals(0, ctx.atomsOf(1).size());
  }
}
