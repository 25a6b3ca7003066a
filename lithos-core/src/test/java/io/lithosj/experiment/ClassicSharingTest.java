package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classic mechanisms on the demo stack (an HP inference service beside a BE training job whose
 * kernels fill the GPU). What is asserted follows from the GPU model (non-preemptive blocks, FIFO
 * hardware queue, isolated MIG instances), not from constants tuned for this test.
 */
class ClassicSharingTest {
  static Scenario stack;
  static double soloP99;
  static double soloThr;

  @BeforeAll
  static void solo() {
    stack = Scenarios.stackingDemo().withDurationMs(1500, 200);
    RunResult solo = Runner.run(stack.onlyTenants("hp-infer").withPolicy("mps"));
    soloP99 = solo.tenant("hp-infer").p99Ms();
    soloThr = solo.tenant("hp-infer").throughputPerSec();
  }

  @Test
  void mpsLetsLongBeKernelsBlockTheHpService() {
    RunResult mps = Runner.run(stack.withPolicy("mps"));
    // unstable under MPS: the p99's lower bound is already far above the solo p99
    assertTrue(mps.tenant("hp-infer").p99OrBoundMs() > 5 * soloP99, "MPS p99 " + mps.tenant("hp-infer") + " vs solo " + soloP99);
  }

  @Test
  void migIsolatesTheHpServiceAtAThroughputCost() {
    RunResult mig = Runner.run(stack.withPolicy("mig"));
    RunResult migAlone = Runner.run(stack.onlyTenants("hp-infer", "be-train").withPolicy("mig")
        .withTenants(List.of(stack.tenants().get(0), idleBe())));
    // isolation: the HP service on its instance is as fast as with an idle neighbour
    assertEquals(migAlone.tenant("hp-infer").p99Ms(), mig.tenant("hp-infer").p99Ms(),
        0.05 * migAlone.tenant("hp-infer").p99Ms());
    assertTrue(mig.tenant("hp-infer").p99Ms() < 5 * soloP99, "near solo: " + mig.tenant("hp-infer").p99Ms() + " vs " + soloP99);
    RunResult mps = Runner.run(stack.withPolicy("mps"));
    assertTrue(mig.tenant("be-train").throughputPerSec() < 0.8 * mps.tenant("be-train").throughputPerSec(),
        "static split costs BE throughput");
  }

  @Test
  void prioritiesHelpOnlyAsMuchAsBlockDrainAllows() {
    RunResult mps = Runner.run(stack.withPolicy("mps"));
    RunResult prio = Runner.run(stack.withPolicy("priority"));
    double p = prio.tenant("hp-infer").p99Ms();
    assertTrue(p < mps.tenant("hp-infer").p99OrBoundMs() / 5, "priority beats FIFO: " + p);
    // each HP kernel can wait for one BE block (1 ms) to drain
    assertTrue(p > 2 * soloP99, "but running BE blocks still delay HP: " + p + " vs solo " + soloP99);
  }

  @Test
  void timeSlicingAlternatesTheWholeGpu() {
    RunResult ts = Runner.run(stack.withPolicy("time-slicing"));
    assertTrue(ts.tenant("hp-infer").p99Ms() > 2 * soloP99);
    assertTrue(ts.tenant("be-train").throughputPerSec() > 0);
    assertEquals(soloThr, ts.tenant("hp-infer").throughputPerSec(), 0.1 * soloThr, "HP keeps up with its load");
  }

  /** A BE tenant that never runs (trace arrivals after the end), to measure MIG isolation. */
  private static Scenario.TenantConfig idleBe() {
    Scenario.TenantConfig be = stack.tenants().get(1);
    return new Scenario.TenantConfig(be.name(), be.priority(), 0.0, 0, "inference", "trace", null,
        List.of(1e9), 1, null, be.kernels());
  }
}
