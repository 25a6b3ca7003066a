package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.workload.Launch;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.trace.ModelZoo;
import io.lithosj.workload.trace.ZooModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tenants launched as their frameworks launch them: graph (engines) and eager (PyTorch). */
class LaunchModeTest {
  private static final String HP = "resnet50-hp";
  private static final String BE = "mobilenetv2-train";
  private static final String BERT = "bert-be";

  private static Scenario.TenantConfig hp() {
    return new Scenario.TenantConfig(HP, Priority.HP, 15.0, 33, "inference", null, null, null, null, "resnet50", null, 0.4);
  }

  private static Scenario.TenantConfig be(String launch) {
    return new Scenario.TenantConfig(BE, Priority.BE, null, 33, "training", null, null, null, null, "mobilenetv2", null, null)
        .withLaunch(launch, null);
  }

  /** BERT-Large inference (batch 1) as a closed-loop BE service: eager, it is launch-bound on the H200 host. */
  private static Scenario.TenantConfig bertBe(String launch) {
    return new Scenario.TenantConfig(BERT, Priority.BE, null, 33, "inference", "closed", null, null, null, "bert-large", null, null)
        .withLaunch(launch, null);
  }

  /** The traces were measured on the H200, so the modeled H200 runs them. */
  private static Scenario scenario(List<Scenario.TenantConfig> tenants, double durationMs) {
    return new Scenario("launch-modes", "h200", null, durationMs, 50.0, 7L, new Scenario.PolicyConfig("mps", Map.of()), tenants);
  }

  @Test
  void hostCostIsFittedToTheMeasuredWallTime() {
    ZooModel m = ModelZoo.training("mobilenetv2"); // no per-kernel host key in a training trace: fitted
    double h = m.hostLaunchUsPerKernel();
    double[] d = m.records().stream().mapToDouble(r -> r.durationUs()).toArray();
    double wallUs = m.hostWallMs() * 1000;
    assertEquals(wallUs, Launch.eager(h).soloRequestUs(d, GpuSpec.H200.launchOverheadUs()), 1.0);
    assertTrue(h > 0 && h < 100, "PyTorch's host cost per kernel, us: " + h);
  }

  @Test
  void launchBoundEagerServiceAloneRunsAtItsHostBoundRequestTime() {
    ZooModel m = ModelZoo.inference("bert-large");
    double eagerMs = Runner.run(scenario(List.of(bertBe("eager")), 400)).tenant(BERT).p50Ms();
    double graphMs = Runner.run(scenario(List.of(bertBe("graph")), 400)).tenant(BERT).p50Ms();
    // the measured host cost per kernel reproduces the measured eager wall time (kernels modeled: 15%)
    double measuredEagerMs = m.metaMs("request_wall_ms_eager");
    assertEquals(measuredEagerMs, eagerMs, 0.15 * measuredEagerMs, "eager request on the modeled H200, ms");
    assertTrue(graphMs < 0.3 * eagerMs, "graph: kernel-bound " + graphMs + " ms vs eager " + eagerMs);
    double measuredGraphMs = m.metaMs("request_wall_ms_graph");
    assertEquals(measuredGraphMs, graphMs, 0.25 * measuredGraphMs, "graph request on the modeled H200 vs its measured replay, ms");
  }

  @Test
  void eagerBeBesideAnHpServiceKeepsMoreThroughputAndHurtsTheTailLess() {
    double[] retained = new double[2];
    double[] hpP99 = new double[2];
    String[] modes = {"eager", "graph"};
    for (int i = 0; i < 2; i++) {
      double solo = Runner.run(scenario(List.of(bertBe(modes[i])), 600)).tenant(BERT).throughputPerSec();
      RunResult both = Runner.run(scenario(List.of(hp(), bertBe(modes[i])), 600));
      retained[i] = both.tenant(BERT).throughputPerSec() / solo;
      hpP99[i] = both.tenant(HP).p99Ms();
    }
    // 1.00 vs 0.96 with the measured DRAM bytes (0.05 apart and more when the fitted bytes made every kernel
    // contend for bandwidth): the host-bound eager BE leaves the GPU idle between kernels, the HP uses that
    assertTrue(retained[0] > retained[1] + 0.02, "BE retained eager " + retained[0] + " vs graph " + retained[1]);
    assertTrue(hpP99[0] < hpP99[1], "HP p99 beside eager BE " + hpP99[0] + " ms vs graph BE " + hpP99[1]);
  }

  @Test
  void aGraphLaunchedRequestHasNoHostGaps() {
    Scenario.KernelConfig k = new Scenario.KernelConfig("k", 132, 256, 32, 0, 2.0, 0.0, 0.9, 20);
    Scenario.TenantConfig t = new Scenario.TenantConfig("svc", Priority.HP, null, null, "inference", "trace", null,
        List.of(1.0), null, null, List.of(k));
    for (String mode : new String[] {"graph", "eager"}) {
      List<AtomLog.Entry> log = new ArrayList<>();
      Runner.run(scenario(List.of(t.withLaunch(mode, null)), 20).withDurationMs(20, 0), p -> {}, a -> log.addAll(a.entries()));
      assertEquals(20, log.size());
      double firstMs = 1.0 + (mode.equals("graph") ? 0 : Launch.DEFAULT_EAGER_HOST_US / 1000);
      assertEquals(firstMs, log.get(0).submitMs(), 1e-9, mode + ": the first kernel reaches the policy at arrival (graph) or after one host launch");
      double maxGapUs = 0;
      for (int i = 1; i < log.size(); i++) maxGapUs = Math.max(maxGapUs, (log.get(i).startMs() - log.get(i - 1).endMs()) * 1000);
      if (mode.equals("graph")) {
        assertEquals(Launch.GRAPH_KERNEL_GAP_US, maxGapUs, 1e-6, "graph: kernel to kernel only the graph's gap");
      } else {
        // 2 us kernels, 9.76 us of host per kernel: each waits for its issue plus the launch latency
        assertEquals(Launch.DEFAULT_EAGER_HOST_US - 2.0, maxGapUs, 0.05, "eager: the kernels wait for the host");
      }
    }
  }

  @Test
  void loadCountsTheLaunchModesCosts() {
    Scenario.TenantConfig bert = new Scenario.TenantConfig("bert", Priority.HP, null, null, "inference", null, null, null,
        null, "bert-large", null, 0.5);
    Scenario g = scenario(List.of(bert), 100);
    Scenario e = scenario(List.of(bert.withLaunch("eager", null)), 100);
    double graphRate = ((io.lithosj.workload.Arrivals.Poisson) ((io.lithosj.workload.Workload.Inference)
        g.tenantSpecs().get(0).workload()).arrivals()).ratePerSec();
    TenantSpec eager = e.tenantSpecs().get(0);
    double eagerRate = ((io.lithosj.workload.Arrivals.Poisson) ((io.lithosj.workload.Workload.Inference)
        eager.workload()).arrivals()).ratePerSec();
    assertEquals(ModelZoo.inference("bert-large").hostLaunchUsPerKernel(), eager.launch().hostLaunchUs(), 1e-9);
    // BERT eager is launch-bound (18.8 ms eager wall vs 1.9 ms replayed as a graph on the H200): far less capacity
    assertTrue(eagerRate < 0.5 * graphRate, "eager " + eagerRate + "/s vs graph " + graphRate + "/s");
    assertEquals(0.5 * 1000 / ModelZoo.inference("bert-large").metaMs("request_wall_ms_eager"), eagerRate, 0.1 * eagerRate);
  }

  @Test
  void badLaunchFieldsAreNamed() {
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> scenario(List.of(be("lazy")), 100).tenantSpecs());
    assertEquals("tenants[0].launch", e.field());
    assertTrue(e.getMessage().contains("graph") && e.getMessage().contains("eager") && e.getMessage().contains("lazy"), e.getMessage());
    e = assertThrows(ScenarioException.class, () -> scenario(List.of(be("eager").withLaunch("eager", -3.0)), 100).tenantSpecs());
    assertEquals("tenants[0].hostLaunchUs", e.field());
    assertTrue(e.getMessage().contains("-3"), e.getMessage());
    e = assertThrows(ScenarioException.class, () -> scenario(List.of(hp().withLaunch(null, 12.0)), 100).tenantSpecs());
    assertEquals("tenants[0].hostLaunchUs", e.field());
    assertTrue(e.getMessage().contains("eager"), e.getMessage());
  }

  @Test
  void sameSeedSameNumbersInBothModes() {
    for (String mode : new String[] {"eager", "graph"}) {
      Scenario s = scenario(List.of(hp(), be(mode)), 300);
      assertEquals(Runner.run(s).toCsv(), Runner.run(s).toCsv(), mode);
      assertEquals(Runner.run(s.withPolicy("lithos")).toCsv(), Runner.run(s.withPolicy("lithos")).toCsv(), mode);
    }
  }

  @Test
  void theRunnerAppliesTheSameRecurrenceAsTheSoloModel() {
    // alternating long and short kernels: the host runs ahead in the long ones and falls behind in the short ones
    Scenario.KernelConfig lng = new Scenario.KernelConfig("long", 132, 256, 32, 0, 50.0, 0.0, 0.9, 1);
    Scenario.KernelConfig shrt = new Scenario.KernelConfig("short", 132, 256, 32, 0, 3.0, 0.0, 0.9, 6);
    List<Scenario.KernelConfig> ks = new ArrayList<>();
    for (int i = 0; i < 10; i++) { ks.add(lng); ks.add(shrt); }
    Scenario.TenantConfig t = new Scenario.TenantConfig("svc", Priority.HP, null, null, "inference", "trace", null,
        List.of(1.0), null, null, ks);
    for (Scenario.TenantConfig c : List.of(t.withLaunch("graph", null), t.withLaunch("eager", 12.0))) {
      Scenario s = scenario(List.of(c), 20).withDurationMs(20, 0);
      TenantSpec spec = s.tenantSpecs().get(0);
      GpuSpec g = s.gpuSpec();
      double[] us = spec.workload().kernels().stream().mapToDouble(k -> k.idealLatencyUs(g, g.tpcCount())).toArray();
      double expectedMs = spec.launch().soloRequestUs(us, g.launchOverheadUs()) / 1000;
      assertEquals(expectedMs, Runner.run(s).tenant("svc").p50Ms(), 0.002 * expectedMs, c.launch());
    }
  }

  @Test
  void theHostRunsAheadAtMostTheLaunchQueue() {
    // 1100 long kernels let the host run ahead; then 3000 short ones, each shorter than a host launch
    double[] d = new double[4100];
    for (int i = 0; i < d.length; i++) d[i] = i < 1100 ? 100 : 1;
    double bounded = Launch.eager(5).soloRequestUs(d, 7.5);
    // unbounded, the host would have issued all 4100 kernels long before the long ones end
    double gpuBound = 1100 * 100 + 3000 * (1 + Launch.QUEUED_STREAM_GAP_US) + 7.5 + 1099 * Launch.QUEUED_STREAM_GAP_US;
    assertTrue(bounded > gpuBound + 1000, "the queue throttles the host: " + bounded + " vs " + gpuBound + " us");
    // the last 4100 - 1100 - 1024 kernels are issued at the host's pace after the long ones
    double hostBound = 1100 * 100 + 1099 * Launch.QUEUED_STREAM_GAP_US + 7.5 + (4100 - 1100 - Launch.LAUNCH_QUEUE_DEPTH) * 5.0;
    assertEquals(hostBound, bounded, 0.01 * hostBound);
  }

  /** The launch constants are the committed H200 probe's measurements (datasets/launch/), not typed-in guesses. */
  @Test
  void launchConstantsAreTheCommittedProbesMeasurements() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.exists(java.nio.file.Path.of("datasets/launch"))
        ? java.nio.file.Path.of("datasets/launch") : java.nio.file.Path.of("../datasets/launch");
    com.fasterxml.jackson.databind.JsonNode probe = new com.fasterxml.jackson.databind.ObjectMapper()
        .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
        .readTree(dir.resolve("h200-launch-probe.json").toFile());
    assertEquals(probe.path("graph").path("100").path("kernel_gap_us_median").asDouble(), Launch.GRAPH_KERNEL_GAP_US, 0.0005);
    assertEquals(probe.path("eager_host_us_per_op_median").asDouble(), Launch.DEFAULT_EAGER_HOST_US, 0.005);
  }
}
