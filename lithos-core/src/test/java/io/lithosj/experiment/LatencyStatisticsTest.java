package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.workload.Priority;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Honest latency statistics: unfinished requests are counted, never sampled; overload is called unstable. */
class LatencyStatisticsTest {
  /** One kernel of 132 blocks x 100 us: a request takes ~0.1 ms alone on the whole H100. */
  private static Scenario.TenantConfig hp(String arrivals, Double rate, List<Double> at, Double sloMs) {
    return new Scenario.TenantConfig("hp", Priority.HP, sloMs, null, "inference", arrivals, rate, at, null, null,
        List.of(new Scenario.KernelConfig("k", 132, 256, 32, 0, 100.0, 0.0, 0.9, 1)));
  }

  private static Scenario scenario(double durationMs, Scenario.TenantConfig... t) {
    return new Scenario("stats", "h100-sxm", null, durationMs, 10.0, 3L, new Scenario.PolicyConfig("mps", null), List.of(t));
  }

  @Test
  void anOverloadedTenantIsUnstableAndItsP99IsNotANumberThatGrowsWithTheRun() {
    // ~0.1 ms per request -> capacity ~9,000/s; offer 20,000/s
    TenantMetrics shortRun = Runner.run(scenario(100, hp("poisson", 20_000.0, null, 15.0))).tenant("hp");
    TenantMetrics longRun = Runner.run(scenario(300, hp("poisson", 20_000.0, null, 15.0))).tenant("hp");
    for (TenantMetrics m : List.of(shortRun, longRun)) {
      assertFalse(m.stable(), "overloaded: " + m);
      assertTrue(Double.isNaN(m.p99Ms()) && Double.isNaN(m.p50Ms()) && Double.isNaN(m.meanMs()), "no percentile: " + m);
      assertTrue(m.p99LowerBoundMs() > 0, "a lower bound is reported: " + m);
      assertTrue(m.unfinishedShare() > 0.3, "about half of the arrivals are left: " + m);
      assertTrue(m.p99Text().startsWith("unstable"), m.p99Text());
      assertEquals(m.arrived(), m.completed() + m.unfinished());
    }
    // the bound is a bound: it grows with the run length, which is why it is not reported as the p99
    assertTrue(longRun.p99LowerBoundMs() > 1.5 * shortRun.p99LowerBoundMs(), shortRun + " vs " + longRun);
  }

  @Test
  void aTenantBelowCapacityIsStableWithAFiniteP99() {
    TenantMetrics m = Runner.run(scenario(200, hp("poisson", 3_000.0, null, 15.0))).tenant("hp");
    assertTrue(m.stable(), m.toString());
    assertTrue(Double.isFinite(m.p99Ms()) && m.p99Ms() < 5, m.toString());
    assertEquals(m.p99Ms(), m.p99LowerBoundMs());
    assertTrue(m.unfinished() < TenantMetrics.MIN_UNFINISHED, m.toString());
    assertEquals(1.0, m.sloAttainment(), 0.01);
  }

  @Test
  void anUnfinishedRequestIsNeverALatencySample() {
    // requests at 20, 30 ms; a third arrives 0.05 ms before the end and cannot finish (~0.1 ms of work)
    Scenario s = scenario(50, hp("trace", null, List.of(20.0, 30.0, 49.95), null));
    RunResult r = Runner.run(s);
    TenantMetrics m = r.tenant("hp");
    assertEquals(3, m.arrived());
    assertEquals(2, m.completed());
    assertEquals(1, m.unfinished());
    assertEquals(2, r.latencyHistograms().get("hp").getTotalCount(), "only the finished requests are samples");
    assertTrue(m.p99Ms() < 1, "the unfinished request's age does not enter the p99: " + m.p99Ms());
    assertTrue(m.stable(), "one unfinished request is not an unstable queue");
  }

  @Test
  void sloAttainmentWithoutAnSloIsNotANumber() {
    TenantMetrics m = Runner.run(scenario(100, hp("poisson", 1_000.0, null, null))).tenant("hp");
    assertTrue(Double.isNaN(m.sloAttainment()), "no SLO: " + m.sloAttainment());
    assertEquals(m.throughputPerSec(), m.goodputPerSec(), 1e-9, "without an SLO every completed request is good");
  }

  @Test
  void theStabilityRuleNeedsManyUnfinishedAGrowingShareAndAGrowingBacklog() {
    assertTrue(TenantMetrics.isStable(false, 100, 90, 0, 90), "closed loops are stable by construction");
    assertTrue(TenantMetrics.isStable(true, 10, 4, 0, 4), "fewer than the minimum count");
    assertTrue(TenantMetrics.isStable(true, 1000, 20, 0, 20), "2% unfinished");
    assertTrue(TenantMetrics.isStable(true, 100, 10, 12, 10), "backlog shrank");
    assertFalse(TenantMetrics.isStable(true, 100, 10, 2, 10));
  }

  @Test
  void consecutiveSeedsGiveIndependentArrivalsNotAShiftedCopy() {
    // with seed * gamma + index as SplittableRandom's seed, seed n+1 replayed seed n's gaps one draw later
    java.util.SplittableRandom a = new java.util.SplittableRandom(TenantRuntime.streamSeed(101, 0));
    java.util.SplittableRandom b = new java.util.SplittableRandom(TenantRuntime.streamSeed(102, 0));
    double[] x = new double[50], y = new double[50];
    for (int i = 0; i < 50; i++) { x[i] = a.nextDouble(); y[i] = b.nextDouble(); }
    for (int shift = 0; shift < 5; shift++) {
      int same = 0;
      for (int i = 0; i + shift < 50; i++) if (x[i + shift] == y[i]) same++;
      assertEquals(0, same, "seed 102 repeats seed 101's draws shifted by " + shift);
    }
    TenantMetrics s1 = Runner.run(scenario(300, hp("poisson", 5_000.0, null, 15.0)).withSeed(101)).tenant("hp");
    TenantMetrics s2 = Runner.run(scenario(300, hp("poisson", 5_000.0, null, 15.0)).withSeed(102)).tenant("hp");
    assertTrue(Math.abs(s1.meanMs() / s2.meanMs() - 1) > 1e-3 || s1.arrived() != s2.arrived(), s1 + " vs " + s2);
  }
  /** A request of 20 kernels x 132 blocks x 500 us: ~10 ms alone on the whole H100, long against a short window. */
  private static Scenario.TenantConfig longRequests(String name, Priority pri, String arrivals, Double rate, List<Double> at) {
    return new Scenario.TenantConfig(name, pri, pri == Priority.HP ? 100.0 : null, null, "inference", arrivals, rate, at, null, null,
        java.util.stream.IntStream.range(0, 20).mapToObj(i -> new Scenario.KernelConfig("k" + i, 132, 256, 32, 0, 500.0, 0.0, 0.9, 1)).toList());
  }

  @Test
  void aDrainLetsTheWindowsLongRequestsFinishAndMeasuresNothingThatArrivesAfterIt() {
    // two requests arrive inside the window (ends at 30 ms), the second 3 ms before its end; one more after it
    Scenario base = scenario(30, longRequests("llm", Priority.HP, "trace", null, List.of(12.0, 27.0, 31.0)));
    TenantMetrics cut = Runner.run(base).tenant("llm");
    assertEquals(2, cut.arrived());
    assertEquals(1, cut.unfinished(), "without a drain the late request is unfinished: " + cut);
    RunResult drained = Runner.run(base.withDrainMs(100));
    TenantMetrics m = drained.tenant("llm");
    assertEquals(2, m.arrived(), "the request after the window is not counted");
    assertEquals(2, m.completed(), "the drain let the window's second request finish: " + m);
    assertEquals(0, m.unfinished());
    assertEquals(2, drained.latencyHistograms().get("llm").getTotalCount());
    assertTrue(m.p99Ms() > 9 && m.p99Ms() < 15, "a request alone takes ~10 ms: " + m.p99Ms());
    assertEquals(2 / 0.020, m.throughputPerSec(), 1e-9, "the window's requests served, over the window (20 ms)");
    assertEquals(Runner.run(base).tpcUtilization(), drained.tpcUtilization(), 1e-12, "utilisation stays the window's");
  }

  @Test
  void theDrainStopsOnceTheWindowsRequestsCanNoLongerMeetTheirSlo() {
    // ~10 ms requests against a 5 ms SLO: the one arriving 3 ms before the window's end is a miss either way
    Scenario.TenantConfig t = longRequests("llm", Priority.HP, "trace", null, List.of(12.0, 27.0));
    t = new Scenario.TenantConfig(t.name(), t.priority(), 5.0, null, "inference", "trace", null, t.arrivalMs(), null, null, t.kernels());
    TenantMetrics m = Runner.run(scenario(30, t).withDrainMs(100)).tenant("llm");
    assertEquals(2, m.arrived());
    assertEquals(1, m.completed(), "not waited for past its deadline (27 + 5 ms): " + m);
    assertEquals(0, m.sloAttainment(), 1e-12, "both missed the 5 ms SLO");
  }

  @Test
  void aDrainDoesNotHideAnUnstableQueue() {
    Scenario s = scenario(100, hp("poisson", 20_000.0, null, 15.0)).withDrainMs(1000);
    TenantMetrics m = Runner.run(s).tenant("hp");
    assertFalse(m.stable(), "judged at the window's end, before any drain: " + m);
    assertTrue(Double.isNaN(m.p99Ms()), m.toString());
  }

  @Test
  void progressCountsPartialRequestsWhereThroughputRoundsThemAway() {
    // a closed loop of ~10 ms requests, measured over 5 ms: throughput is 0 or 1 request, progress ~1 request per 10 ms
    Scenario s = new Scenario("progress", "h100-sxm", null, 25.0, 20.0, 3L, new Scenario.PolicyConfig("mps", null),
        List.of(longRequests("be", Priority.BE, "closed", null, null)));
    TenantMetrics m = Runner.run(s).tenant("be");
    double aloneMs = 20 * 0.5; // 20 kernels, each one wave of 500 us blocks (132 blocks on 132 SMs)
    assertEquals(1000.0 / aloneMs, m.progressPerSec(), 0.15 * 1000.0 / aloneMs, "progress ~ 1 / request time alone: " + m);
    assertTrue(m.throughputPerSec() == 0 || m.throughputPerSec() == 200, "whole requests only: " + m.throughputPerSec());
  }

  @Test
  void aClosedLoopAloneRunsTheSameUnderEverySeed() {
    // the paper experiments run such a tenant alone once and use it for every seed
    Scenario s = new Scenario("closed", "h100-sxm", null, 40.0, 5.0, 1L, new Scenario.PolicyConfig("mps", null),
        List.of(longRequests("be", Priority.BE, "closed", null, null)));
    String a = Runner.run(s.withSeed(101)).toCsv().replace(",101,", ",S,");
    String b = Runner.run(s.withSeed(202)).toCsv().replace(",202,", ",S,");
    assertEquals(a, b);
  }
}
