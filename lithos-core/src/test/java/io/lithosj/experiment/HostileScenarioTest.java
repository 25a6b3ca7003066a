package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.workload.ModelLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Careless or hostile scenario files: each is a {@link ScenarioException} naming the field path or the position (docs/hostile-input.md). */
class HostileScenarioTest {
  @TempDir Path dir;

  private static final String YAML = String.join("\n",
      "gpu: h100-sxm", "durationMs: 100", "policy: {name: mps}", "tenants:",
      "  - name: t", "    priority: hp", "    ratePerSec: 100",
      "    kernels: [{name: k, blocks: 10, blockComputeUs: 5}]", "");

  private static String demo() throws Exception {
    return Files.readString(Scenarios.file("stacking-demo.json"));
  }

  private ScenarioException refused(String text, String fileName, String field, String... inMessage) throws Exception {
    Path f = dir.resolve(fileName);
    Files.writeString(f, text);
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f));
    assertEquals(field, e.field(), e.getMessage());
    for (String s : inMessage) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
    return e;
  }

  @Test
  void duplicateKeys() throws Exception {
    refused(demo().replace("\"seed\": 42,", "\"seed\": 42, \"seed\": 43,"), "a.json", "seed", "Duplicate field 'seed'", "line 6");
    refused(YAML.replace("durationMs: 100", "durationMs: 100\ndurationMs: 200"), "a.yaml", "durationMs",
        "Duplicate field 'durationMs'", "line 3");
  }

  @Test
  void contentAfterTheScenario() throws Exception {
    refused(demo() + "{\"name\": \"second\"}", "b.json", "file", "content after the scenario", "line 34, column 1");
    refused(demo() + "x", "c.json", "file", "line 34");
    refused(YAML + "---\ngpu: a100-40gb\n", "b.yaml", "file", "second JSON value or YAML document", "line 10");
  }

  @Test
  void yamlSyntaxErrorsAreOneLineWithThePosition() throws Exception {
    ScenarioException e = refused(YAML.replace("kernels: [{name: k,", "kernels: [{name: k:,"), "s.yaml", "tenants[0].kernels[0]",
        "while parsing a flow mapping: expected ',' or '}', but got :", "line 8, column 23");
    assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("^"), e.getMessage());
  }

  @Test
  void fractionsWhereWholeNumbersAreMeant() throws Exception {
    refused(demo().replace("\"blocks\": 264", "\"blocks\": 264.7"), "d.json", "tenants[0].kernels[0].blocks",
        "must be a whole number, was 264.7", "line 18");
    refused(YAML.replace("blocks: 10", "blocks: 10.5"), "d.yaml", "tenants[0].kernels[0].blocks", "whole number", "line 8");
    refused(demo().replace("\"repeat\": 12", "\"repeat\": 2e9"), "e.json", "tenants[0].kernels[0].repeat", "whole number");
  }

  @Test
  void yamlNumbersAreDecimalNotOctalOrHex() throws Exception {
    // YAML 1.1, as Jackson's YAML parser reads it, makes 070 octal 56
    refused(YAML.replace("blocks: 10", "blocks: 070"), "o.yaml", "tenants[0].kernels[0].blocks",
        "'070' is not a plain decimal number (YAML 1.1 would read it as 56)", "line 8");
    refused(YAML.replace("durationMs: 100", "durationMs: 0x64"), "p.yaml", "durationMs", "'0x64'");
    refused(YAML.replace("gpu: h100-sxm", "gpu: h100-sxm\nseed: 1_000"), "q.yaml", "seed", "'1_000'");
  }

  @Test
  void nullEntriesAreNamedByPath() throws Exception {
    refused(demo().replace("\"tenants\": [", "\"tenants\": [ null,"), "f.json", "tenants[0]", "null entry");
    refused(demo().replace("\"kernels\": [", "\"kernels\": [ null,"), "g.json", "tenants[0].kernels[0]", "null entry");
    refused(YAML.replace("tenants:", "tenants:\n  -"), "g.yaml", "tenants[0]", "null entry");
    refused(YAML.replace("kernels: [", "kernels: [~, "), "h.yaml", "tenants[0].kernels[0]", "null entry");
  }

  @Test
  void limits() throws Exception {
    refused(demo().replace("\"durationMs\": 3000", "\"durationMs\": 1e15"), "h.json", "durationMs", "at most 3600000");
    refused(demo().replace("\"ratePerSec\": 200", "\"ratePerSec\": 1e9"), "i.json", "tenants[0].ratePerSec",
        "arrivals", "at most 10000000");
    refused(demo().replace("\"repeat\": 12", "\"repeat\": 2000000000"), "j.json", "tenants[0].kernels[0].repeat",
        "at most 1000000");
    StringBuilder many = new StringBuilder("durationMs: 100\npolicy: {name: mps}\ntenants:\n");
    for (int i = 0; i < 257; i++) many.append("  - {name: t").append(i).append(", kernels: [{name: k, blocks: 1, blockComputeUs: 5}]}\n");
    refused(many.toString(), "k.yaml", "tenants", "257 tenants", "at most 256");
    refused(YAML + "#" + "x".repeat(ScenarioLoader.MAX_YAML_BYTES) + "\n", "l.yaml", "file", "larger than 1 MiB");
    refused(demo() + " ".repeat(ScenarioLoader.MAX_FILE_BYTES), "l.json", "file", "larger than 16 MiB");
    var text = assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(YAML + "#" + "x".repeat(ScenarioLoader.MAX_YAML_BYTES), true));
    assertTrue(text.getMessage().contains("limit"), text.getMessage());
  }

  @Test
  void unreadableFilesAreScenarioErrors() {
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(dir));
    assertEquals("file", e.field());
    assertTrue(e.getMessage().contains("cannot read " + dir + ": "), "with the system's reason: " + e.getMessage());
    Path zero = Path.of("/dev/zero");
    if (Files.exists(zero)) {
      e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(zero));
      assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
  }

  @Test
  void kernelsTheGpuWouldRefuse() throws Exception {
    refused(demo().replace("\"threadsPerBlock\": 256, \"regsPerThread\": 32, \"blockComputeUs\": 40",
        "\"threadsPerBlock\": 1024, \"regsPerThread\": 255, \"blockComputeUs\": 40"), "m.json", "tenants[0].kernels[0]",
        "1024 threads x 255 registers = 261120 registers per block, the h100-sxm allows 65536");
    refused(demo().replace("\"name\": \"fc\",", "\"name\": \"fc\", \"smemPerBlockBytes\": 1073741824,"), "n.json",
        "tenants[0].kernels[2]", "1073741824 bytes of shared memory per block, the h100-sxm allows 232448");
    // 227 KiB fits an H100 block but not an A100's (163 KiB)
    String big = demo().replace("\"name\": \"fc\",", "\"name\": \"fc\", \"smemPerBlockBytes\": 232448,");
    Path ok = dir.resolve("ok.json");
    Files.writeString(ok, big);
    ScenarioLoader.load(ok);
    refused(big.replace("\"h100-sxm\"", "\"a100-40gb\""), "p.json", "tenants[0].kernels[2]", "the a100-40gb allows 166912");
  }

  @Test
  void everyShippedScenarioStillLoadsOnEveryGpu() throws Exception {
    List<Path> files;
    try (Stream<Path> all = Files.walk(Scenarios.file("stacking-demo.json").getParent())) {
      // plan.json is the paper experiments' plan, not a scenario
      files = all.filter(f -> f.toString().matches(".*\\.(json|ya?ml)$") && !f.endsWith("plan.json")).toList();
    }
    assertTrue(files.size() > 10, files.toString());
    for (Path f : files) {
      Scenario s = ScenarioLoader.load(f);
      if (s.dispatch() != null) continue; // the CUDA backend's dispatch is measured on some GPUs only
      for (GpuSpec g : GpuSpec.PRESETS) s.withGpu(g.id()).tenantSpecs();
    }
  }

  /** Trace kernels are not refused on a smaller GPU (docs/hostile-input.md): every model loads on every preset. */
  @Test
  void everyModelLoadsOnEveryGpu() {
    int loaded = 0;
    for (String model : ModelLibrary.names()) {
      for (String type : List.of("inference", "training")) {
        try {
          ModelLibrary.kernels(model, type, 0);
        } catch (IllegalArgumentException notTraced) {
          continue;
        }
        for (GpuSpec g : GpuSpec.PRESETS) {
          var t = new Scenario.TenantConfig("t", null, null, null, type, null, null, null, null, model, null);
          new Scenario("m", g.id(), null, 100.0, null, null, new Scenario.PolicyConfig("mps", null), List.of(t)).tenantSpecs();
          loaded++;
        }
      }
    }
    assertTrue(loaded >= 3 * 8, "models x types x GPUs loaded: " + loaded);
  }

  /** The atomization sweep turns trace kernels into inline ones; on the A100 they still load, modeled as before. */
  @Test
  void scaledTraceKernelsStillLoadOnTheA100() {
    Scenario s = ScenarioLoader.load(Scenarios.file("paper/atomization.json")).withGpu("a100-40gb");
    GpuSpec g = s.gpuSpec();
    var before = s.tenantSpecs().get(1).workload().kernels();
    var after = s.withScaledKernels("be", 1.0).tenantSpecs().get(1).workload().kernels();
    assertTrue(before.stream().anyMatch(k -> k.smemPerBlockBytes() > g.smLimits().sharedMemPerBlockBytes()),
        "the VGG-19 trace has blocks larger than the A100 allows");
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) assertEquals(before.get(i).blocksPerSm(g), after.get(i).blocksPerSm(g), before.get(i).name());
    s.withScaledKernels("be", 4.0).tenantSpecs();
  }
}
