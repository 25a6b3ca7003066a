package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad scenario files fail with a message naming the field. */
class ScenarioErrorsTest {
  @TempDir Path dir;

  private static String demo() throws Exception {
    return Files.readString(Scenarios.file("stacking-demo.json"));
  }

  private ScenarioException load(String json, String name) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, json);
    return assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f));
  }

  @Test
  void unknownPolicy() throws Exception {
    ScenarioException e = load(demo().replace("\"name\": \"mps\"", "\"name\": \"magic\""), "a.json");
    assertEquals("policy.name", e.field());
    assertTrue(e.getMessage().contains("magic") && e.getMessage().contains("mps"), e.getMessage());
  }

  @Test
  void negativeRate() throws Exception {
    ScenarioException e = load(demo().replace("\"ratePerSec\": 200", "\"ratePerSec\": -5"), "b.json");
    assertEquals("tenants[0].ratePerSec", e.field());
    assertTrue(e.getMessage().contains("-5"), e.getMessage());
  }

  @Test
  void tpcQuotaBeyondTheGpu() throws Exception {
    ScenarioException e = load(demo().replace("\"tpcQuota\": 33", "\"tpcQuota\": 80"), "c.json");
    assertEquals("tenants[0].tpcQuota", e.field());
    assertTrue(e.getMessage().contains("66"), e.getMessage());
  }

  @Test
  void unknownDispatchAndUnmeasuredGpu() throws Exception {
    ScenarioException e = load(demo().replace("\"seed\": 42,", "\"seed\": 42, \"dispatch\": \"fast\","), "f.json");
    assertEquals("dispatch", e.field());
    assertTrue(e.getMessage().contains("cuda-backend") && e.getMessage().contains("fast"), e.getMessage());
    e = load(demo().replace("\"seed\": 42,", "\"seed\": 42, \"dispatch\": \"cuda-backend\",")
        .replace("\"h100-sxm\"", "\"a100-40gb\""), "g.json");
    assertEquals("dispatch", e.field());
    assertTrue(e.getMessage().contains("a100-40gb") && e.getMessage().contains("lithos calibrate"), e.getMessage());
  }

  @Test
  void cudaBackendDispatchLowersTheRateALoadMeans() throws Exception {
    // ResNet-50 at 40% of its capacity beside VGG-19 training (load = a share of solo capacity)
    String hybrid = """
        {
          "name": "hybrid",
          "gpu": "h100-sxm",
          "durationMs": 3000,
          "warmupMs": 300,
          "seed": 13,
          "policy": { "name": "lithos" },
          "perPolicy": { "tgs": { "reportPeriodMs": 100 } },
          "tenants": [
            { "name": "resnet50", "priority": "HP", "model": "resnet50", "type": "inference", "load": 0.4, "sloMs": 15, "tpcQuota": 66 },
            { "name": "vgg19-train", "priority": "BE", "model": "vgg19", "type": "training" }
          ]
        }
        """;
    Path hw = dir.resolve("hw.json"), cb = dir.resolve("cb.json");
    Files.writeString(hw, hybrid);
    Files.writeString(cb, hybrid.replace("\"seed\": 13,", "\"seed\": 13, \"dispatch\": \"cuda-backend\","));
    double rateHw = ((io.lithosj.workload.Arrivals.Poisson) ((io.lithosj.workload.Workload.Inference)
        ScenarioLoader.load(hw).tenantSpecs().get(0).workload()).arrivals()).ratePerSec();
    double rateCb = ((io.lithosj.workload.Arrivals.Poisson) ((io.lithosj.workload.Workload.Inference)
        ScenarioLoader.load(cb).tenantSpecs().get(0).workload()).arrivals()).ratePerSec();
    // ResNet-50 inference (280 kernels at batch 1): ~10.5 us more per kernel on the CUDA backend's host path, and
    // there every kernel is a launch of its own where the hardware run replays a graph (one launch,
    // then a graph gap per kernel)
    int kernels = ScenarioLoader.load(hw).tenantSpecs().get(0).workload().kernels().size();
    assertEquals(280, kernels);
    double requestMsHw = 400.0 / rateHw, requestMsCb = 400.0 / rateCb;
    double perKernelMs = io.lithosj.backend.DispatchModel.CUDA_BACKEND_H100.perKernelUs() / 1000.0;
    double launchMs = (io.lithosj.gpu.GpuSpec.H100_SXM.launchOverheadUs() - io.lithosj.workload.Launch.GRAPH_KERNEL_GAP_US) / 1000.0;
    assertEquals(kernels * perKernelMs + (kernels - 1) * launchMs, requestMsCb - requestMsHw, 1e-6);
  }

  @Test
  void malformedJsonNamesTheLine() throws Exception {
    ScenarioException e = load(demo().replace("\"seed\": 42,", "\"seed\": 42,,"), "d.json");
    assertEquals("file", e.field());
    assertTrue(e.getMessage().contains("line 6"), e.getMessage());
  }

  @Test
  void unknownFieldIsNamedWithItsPath() throws Exception {
    ScenarioException e = load(demo().replace("\"sloMs\": 5", "\"sloMillis\": 5"), "e.json");
    assertEquals("tenants[0].sloMillis", e.field());
    assertTrue(e.getMessage().contains("sloMs"), "lists the known fields: " + e.getMessage());
  }

  @Test
  void wrongTypeIsNamedWithItsPath() throws Exception {
    ScenarioException e = load(demo().replace("\"blocks\": 264", "\"blocks\": \"many\""), "f.json");
    assertEquals("tenants[0].kernels[0].blocks", e.field());
  }

  @Test
  void unknownPolicyParameter() {
    Scenario s = Scenarios.stackingDemo().withPolicy("time-slicing", java.util.Map.of("sliceMillis", 3));
    var e = assertThrows(IllegalArgumentException.class, () -> Runner.run(s));
    assertTrue(e.getMessage().contains("policy.params.sliceMillis") && e.getMessage().contains("sliceMs"), e.getMessage());
  }

  @Test
  void perPolicyParametersAreCheckedAndApplied() throws Exception {
    ScenarioException e = load(demo().replace("\"policy\": { \"name\": \"mps\" },",
        "\"policy\": { \"name\": \"mps\" }, \"perPolicy\": {\"time-slicing\": {\"slice\": 1}},"), "g.json");
    assertEquals("perPolicy.time-slicing.slice", e.field());
    Path ok = dir.resolve("h.json");
    Files.writeString(ok, demo().replace("\"policy\": { \"name\": \"mps\" },",
        "\"policy\": { \"name\": \"mps\" }, \"perPolicy\": {\"time-slicing\": {\"sliceMs\": 1}},"));
    Scenario s = ScenarioLoader.load(ok).withPolicy("time-slicing");
    assertEquals(java.util.Map.of("sliceMs", 1), s.policyParams());
    assertEquals(java.util.Map.of("sliceMs", 3), s.withPolicy("time-slicing", java.util.Map.of("sliceMs", 3)).policyParams());
  }

  @Test
  void yamlWorksToo() throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(f, String.join("\n",
        "gpu: a100-40gb", "durationMs: 100", "policy: {name: mps}", "tenants:",
        "  - name: t", "    priority: hp", "    ratePerSec: 100",
        "    kernels: [{name: k, blocks: 10, blockComputeUs: 5}]", ""));
    Scenario s = ScenarioLoader.load(f);
    assertEquals("s", s.nameOrDefault());
    assertTrue(Runner.run(s).tenant("t").completed() > 0);
  }
}
