package io.lithosj.os.baseline;

import static io.lithosj.os.baseline.FakeContext.compute;
import static io.lithosj.os.baseline.FakeContext.inference;
import static io.lithosj.os.baseline.FakeContext.memory;
import static io.lithosj.os.baseline.FakeContext.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.workload.Priority;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrionTest {
  private static final GpuSpec H100 = GpuSpec.H100_SXM;
  private static final Kernel HP_MEM = memory("hp_stream", 528, 30);
  private static final Kernel HP_CMP = compute("hp_gemm", 528, 30);
  private static final Kernel BE_MEM = memory("be_copy", 264, 30);   // 33 SMs
  private static final Kernel BE_CMP = compute("be_fma", 264, 30);   // 33 SMs
  private static final Kernel BE_HUGE = compute("be_big", 4224, 30); // 528 SMs > 132

  @Test
  void profilesFollowTheRooflineAndOccupancy() {
    KernelProfile m = KernelProfile.of(HP_MEM, H100, 1.0);
    KernelProfile c = KernelProfile.of(HP_CMP, H100, 1.0);
    assertEquals(KernelProfile.Bound.MEMORY, m.bound());
    assertEquals(KernelProfile.Bound.COMPUTE, c.bound());
    assertEquals(8, c.blocksPerSm(), "256 threads x 32 regs: 8 blocks per SM");
    assertEquals(66, c.smNeeded(), "ceil(528 / 8)");
    assertEquals(528, KernelProfile.of(BE_HUGE, H100, 1.0).smNeeded());
    assertEquals(HP_CMP.idealLatencyUs(H100, 66), c.soloUs(), 1e-9);
  }

  private static FakeContext stack(Kernel be1, Kernel be2) {
    return new FakeContext(H100, List.of(
        inference("hp", Priority.HP, HP_MEM, HP_CMP),
        training("be1", Priority.BE, be1),
        training("be2", Priority.BE, be2)));
  }

  @Test
  void refusesABeKernelOfTheSameClassAsTheRunningHpKernel() {
    FakeContext ctx = stack(BE_MEM, BE_CMP);
    Orion orion = new Orion(new OrionParams());
    ctx.start(orion);
    ctx.submit(0, HP_MEM, 0);
    Atom hp = ctx.last().atom();
    assertEquals(Orion.HP_PRIORITY, hp.priority());
    ctx.submit(1, BE_MEM, 0);
    assertEquals(0, ctx.atomsOf(1).size(), "memory-bound BE refused next to a memory-bound HP kernel");
    ctx.submit(2, BE_CMP, 0);
    assertEquals(1, ctx.atomsOf(2).size(), "compute-bound BE admitted next to it");
    assertEquals(Orion.BE_PRIORITY, ctx.atomsOf(2).get(0).priority());

    ctx.advanceTo(0.05);
    ctx.finish(ctx.atomsOf(2).get(0)); // drained: DUR_THRESHOLD no longer holds BE back
    ctx.finish(hp);
    ctx.submit(0, HP_CMP, 1); // the HP request moves on to a compute-bound kernel
    assertEquals(1, ctx.atomsOf(1).size(), "now the memory-bound BE kernel complements the HP kernel");
    assertEquals(2.0, orion.metrics().get("orion.beAdmittedBesideHp"));
    assertEquals(1.0, orion.metrics().get("orion.beDeferredKernels"));
  }

  @Test
  void keepsKernelsThatNeedMoreThanSmThresholdForHpIdleTime() {
    FakeContext ctx = stack(BE_HUGE, BE_CMP);
    Orion orion = new Orion(new OrionParams());
    ctx.start(orion);
    assertEquals(132, orion.smThreshold(), "inference HP: SM_THRESHOLD = all SMs");
    ctx.submit(0, HP_MEM, 0);
    ctx.submit(1, BE_HUGE, 0);
    assertEquals(0, ctx.atomsOf(1).size(), "528 SMs needed > SM_THRESHOLD although the classes differ");
    ctx.advanceTo(0.04);
    ctx.finish(ctx.atomsOf(0).get(0));
    ctx.submit(0, HP_CMP, 1);
    ctx.advanceTo(0.08);
    ctx.finish(ctx.atomsOf(0).get(1)); // last kernel: the HP request is over
    assertEquals(0, ctx.atomsOf(1).size(), "decided after the instant, in case HP goes on");
    ctx.advanceTo(0.08);
    assertEquals(1, ctx.atomsOf(1).size(), "admitted once no HP request is in flight");
  }

  @Test
  void durThresholdMakesLaterBeKernelsWaitForOutstandingOnes() {
    FakeContext ctx = stack(BE_HUGE, BE_CMP);
    Orion orion = new Orion(new OrionParams());
    ctx.start(orion);
    double hpRequestUs = HP_MEM.idealLatencyUs(H100, 66) + HP_CMP.idealLatencyUs(H100, 66) + 2 * H100.launchOverheadUs();
    assertEquals(0.025 * hpRequestUs, orion.durThresholdUs(), 1e-9, "2.5% of the HP request's solo latency");
    ctx.submit(1, BE_HUGE, 0); // HP idle: admitted; its duration alone exceeds DUR_THRESHOLD
    ctx.submit(2, BE_CMP, 0);
    assertEquals(0, ctx.atomsOf(2).size(), "waits for the outstanding BE kernel");
    ctx.advanceTo(1.0);
    ctx.finish(ctx.atomsOf(1).get(0));
    assertEquals(1, ctx.atomsOf(2).size(), "admitted when the outstanding BE work drained");
  }

  @Test
  void bisectsSmThresholdAgainstTheHpIterationLimit() {
    Kernel hpIter = compute("hp_step", 1056, 100);
    FakeContext ctx = new FakeContext(H100, List.of(
        training("hp", Priority.HP, hpIter), training("be", Priority.BE, BE_HUGE)));
    OrionParams p = new OrionParams();
    p.hpIterLimitMs = 1.0;
    Orion orion = new Orion(p);
    ctx.start(orion);
    assertEquals(264, orion.smThreshold(), "starts at half the BE job's largest SM need (528)");
    for (int i = 0; i < 10; i++) { // 10 iterations of 2 ms: too slow
      ctx.submit(0, hpIter, 0);
      ctx.advanceTo(ctx.nowMs() + 2.0);
      ctx.finish(ctx.last().atom());
    }
    assertEquals(132, orion.smThreshold(), "too slow: halve towards 0");
    for (int i = 0; i < 10; i++) { // 10 fast iterations
      ctx.submit(0, hpIter, 0);
      ctx.advanceTo(ctx.nowMs() + 0.5);
      ctx.finish(ctx.atomsOf(0).get(ctx.atomsOf(0).size() - 1));
    }
    assertEquals(198, orion.smThreshold(), "fast enough: up, halfway to the last too-slow value");
    assertTrue(orion.metrics().containsKey("orion.smThreshold"));
  }
}
