package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.experiment.ScenarioException;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.ModelLibrary;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * The model zoo: the paper's shapes measured on the H200 (datasets/traces/raw-h200) and the two
 * older H100 traces the real/ scenarios pin (raw-h100). Bounds are the measured ones
 * (datasets/traces/PROVENANCE.md), with a little room.
 */
class ModelZooTest {
  /** Scenario names and the paper's shape of each (batch size; datasets/paper_shapes.py). */
  static final Map<String, Integer> INFERENCE = Map.of("resnet50", 1, "retinanet", 1, "bert-large", 1,
      "llama3-8b", 1, "gptj-6b", 1);
  static final Map<String, Integer> TRAINING = Map.of("vgg19", 120, "resnet50", 184, "mobilenetv2", 216, "dlrm", 32768,
      "bert-large", 20, "llama3-8b-lora", 4);
  static final List<String> H100_IDS = List.of("inference-resnet50", "training-vgg19");

  static ModelZoo zoo() { return ModelZoo.defaultZoo(); }

  static Path raw(String id) {
    return ChromeTraceImporterTest.RawData.dir(zoo().entry(id).gpu().equals("h200") ? "raw-h200" : "raw-h100");
  }

  @Test
  void everyPaperShapeIsThereMeasuredOnTheH200() {
    ModelZoo z = zoo();
    INFERENCE.forEach((name, batch) -> {
      ZooModel m = ModelZoo.inference(name);
      assertEquals(batch, m.batchSize(), name);
      assertEquals("h200", m.gpu().id(), name);
      assertEquals(GpuSpec.H200, m.gpu());
    });
    TRAINING.forEach((name, batch) -> {
      ZooModel m = ModelZoo.training(name);
      assertEquals(batch, m.batchSize(), name);
      assertEquals("h200", m.gpu().id(), name);
      assertEquals(m.id(), "training-" + name + "-b" + batch, "the id carries the shape");
    });
    for (String llm : List.of("llama3-8b", "gptj-6b")) {
      assertEquals("inference-" + llm + "-prefill-p1024", z.select("inference", llm + "-prefill", 0).id());
      assertEquals("inference-" + llm + "-decode-b1", z.select("inference", llm + "-decode", 0).id());
    }
    assertEquals(13 + H100_IDS.size(), z.ids().size());
    for (String id : H100_IDS) {
      assertEquals("h100-sxm", z.get(id).gpu().id(), id);
      assertFalse(z.entry(id).paperShape(), id);
    }
  }

  /** Against the Chrome trace itself, read independently: kernel count and time per request. */
  @Test
  void kernelCountsAndTimesMatchTheProfiles() throws IOException {
    Map<String, Integer> kernels = Map.ofEntries(Map.entry("inference-resnet50-b1", 280), Map.entry("inference-retinanet-b1", 976),
        Map.entry("inference-bert-large-b1", 300), Map.entry("inference-llama3-8b-prefill-p1024", 1302),
        Map.entry("inference-llama3-8b-decode-b1", 1494), Map.entry("inference-gptj-6b-prefill-p1024", 1387),
        Map.entry("inference-gptj-6b-decode-b1", 1499), Map.entry("training-vgg19-b120", 291),
        Map.entry("training-resnet50-b184", 915), Map.entry("training-mobilenetv2-b216", 851),
        Map.entry("training-dlrm-b32768", 265), Map.entry("training-bert-large-b20", 2174),
        Map.entry("training-llama3-8b-lora-b4", 6156), Map.entry("inference-resnet50", 282), Map.entry("training-vgg19", 281));
    assertEquals(kernels.keySet(), Set.copyOf(zoo().ids()));
    for (String id : zoo().ids()) {
      ZooModel m = zoo().get(id);
      assertEquals(kernels.get(id), m.records().size(), id);
      KernelTrace t = ChromeTraceImporter.read(raw(id).resolve(id + ".trace.json.gz"));
      assertEquals(3, t.requestCount(), id);
      double[] perRequestUs = new double[3];
      for (int r = 0; r < 3; r++) {
        assertEquals(t.request(r).size(), m.records().size(), id + " kernels in request " + r);
        perRequestUs[r] = t.kernelUs(r);
      }
      Arrays.sort(perRequestUs);
      double traceMs = perRequestUs[1] / 1000;
      assertEquals(traceMs, m.measuredKernelMs(), 0.02 * traceMs, id + ": sum of per-kernel medians vs the median request");
      GpuSpec on = m.gpu();
      assertEquals(traceMs, m.modeledKernelMs(on, on.tpcCount()), 0.05 * traceMs, id + ": the modeled GPU it was measured on vs the trace");
      List<Kernel> ks = m.kernels();
      TraceKernel first = t.request(0).get(0);
      assertEquals(first.blocks(), ks.get(0).blocks(), id + ": real grid kept");
      assertEquals(first.threadsPerBlock(), ks.get(0).threadsPerBlock());
      assertEquals(first.regsPerThread(), ks.get(0).regsPerThread());
      assertEquals(first.smemBytes(), ks.get(0).smemPerBlockBytes());
    }
  }

  /**
   * A GPU model with the per-SM DRAM bandwidth the same session measured: a 2 GiB copy in a green
   * context of 8 SMs, in the units of {@code memBandwidthGBps} (scaled by the whole-GPU copy).
   */
  static GpuSpec probeCalibrated(GpuSpec preset, String rawFolder) throws IOException {
    Path raw = ChromeTraceImporterTest.RawData.dir(rawFolder);
    JsonNode probe = new ObjectMapper().readTree(raw.resolve("manifest.json").toFile()).path("green_contexts").path("probe");
    double perSm = probe.path("green8").path("copy_gbps").asDouble() / 8
        * preset.memBandwidthGBps() / probe.path("primary132").path("copy_gbps").asDouble();
    assertTrue(perSm > 50 && perSm < 120, "per-SM bandwidth " + perSm);
    return preset.withSmBandwidthGBps(perSm);
  }

  /**
   * The fitted kernels against the green-context (and SM-occupancy) measurements, in aggregate over
   * each model, from half of the GPU down to 8 SMs, with the probe-calibrated per-SM bandwidth.
   * Kernels fitted from scaling alone: 0.93-1.09 for every model except the LLM decode steps
   * (memory-bound on few SMs: Llama-3 up to 1.23, GPT-J 1.17 on 8 SMs). Kernels with measured DRAM
   * bytes ({@link ScalingFit#withMeasuredBytes}) no longer read a flattening of their scaling as
   * bandwidth, so the waves model charges them more on fewer SMs than they lose: 1.05-1.42 (decode
   * steps up to 2.45, their persistent GEMMs), never faster than measured; docs/validation.md says why
   * and what would close it. The whole-GPU time stays exact either way.
   */
  @Test
  void fittedKernelsReproduceTheScalingMeasurementsUpToHalfTheGpu() throws IOException {
    ModelZoo z = zoo().fittedTo(probeCalibrated(GpuSpec.H200, "raw-h200")).fittedTo(probeCalibrated(GpuSpec.H100_SXM, "raw-h100"));
    for (String id : z.ids()) {
      ZooModel m = z.get(id);
      boolean dram = m.records().stream().anyMatch(KernelRecord::hasDramBytes);
      boolean decode = id.contains("-decode-");
      double high = dram ? (decode ? 2.5 : 1.45) : (decode ? 1.26 : 1.15);
      for (int sms : new int[] {64, 32, 16, 8}) {
        double r = m.modeledOverMeasuredAt(sms);
        assertTrue(r > 0.92 && r < high, id + " on " + sms + " SMs: modeled/measured " + r);
      }
      assertTrue(m.fitRmsLogError() < (dram ? 0.7 : 0.3), id + " per-kernel fit error " + m.fitRmsLogError());
      assertEquals(m.measuredKernelMs(), m.modeledKernelMs(m.gpu(), 66), 1e-6 * m.measuredKernelMs(), id);
    }
  }

  /** A kernel with measured DRAM bytes puts those bytes on DRAM (capped only where they exceed its time at peak). */
  @Test
  void measuredDramBytesAreTheModeledTraffic() {
    for (String id : zoo().ids()) {
      ZooModel m = zoo().get(id);
      double measured = 0, modeled = 0;
      int n = 0;
      for (ZooModel.Fitted f : m.fitted()) {
        if (!f.record().hasDramBytes()) continue;
        n++;
        assertEquals(ZooModel.Basis.DRAM_MEASURED, f.basis(), id + " kernel " + f.record().seq());
        measured += f.record().dramBytes();
        double bytes = f.kernel().blocks() * f.kernel().work().blockDramBytes();
        modeled += bytes;
        if (f.fit().memoryShare() < 1) assertEquals(f.record().dramBytes(), bytes, 1e-6 * bytes + 1, id + " " + f.record().seq());
      }
      if (n == 0) continue;
      assertTrue(modeled <= measured * (1 + 1e-9) && modeled > 0.9 * measured, id + ": modeled " + modeled + " of measured " + measured);
    }
  }

  /**
   * Near the whole GPU the waves model misses for one kind of kernel only: grids sized to the 132
   * SMs (persistent GEMMs) lose little on 128 SMs, the model charges them a second wave.
   */
  @Test
  void onAlmostAllSmsOnlyGridsSizedToTheGpuAreMissed() {
    for (String id : zoo().ids()) {
      double others = zoo().get(id).modeledOverMeasuredAt(128, true);
      // the convolution backward of VGG-19 and ResNet-50, measured by SM occupancy, loses 6-8% more
      // on 128 SMs than a second partial wave explains (PROVENANCE.md); every other model is within 5%
      double low = id.startsWith("training-vgg19") || id.startsWith("training-resnet50") ? 0.92 : 0.95;
      assertTrue(others > low && others < 1.05, id + " without grids sized to the GPU, 128 SMs: " + others);
    }
    ZooModel decode = zoo().select("inference", "llama3-8b-decode", 0);
    assertTrue(decode.gridSizedToGpuShare() > 0.4, "decode time in persistent kernels: " + decode.gridSizedToGpuShare());
    assertTrue(decode.modeledOverMeasuredAt(128) > 1.3, "and the model overshoots: " + decode.modeledOverMeasuredAt(128));
  }

  @Test
  void scalingIsMeasuredWhereTheGpuCouldBeRestricted() {
    for (String id : zoo().ids()) {
      ZooModel m = zoo().get(id);
      double onEightSms = m.trace().kernels().stream().filter(r -> !Double.isNaN(r.slowdownAt(8)))
          .mapToDouble(KernelRecord::durationUs).sum() / m.trace().kernelUs();
      assertTrue(m.measuredScalingShare() > 0.99, id + " " + m.measuredScalingShare());
      if (id.equals("training-resnet50-b184")) {
        // cuDNN's dgrad/wgrad kernels: no green contexts (CUDA error 912), SM occupancy stalls below
        // 96 SMs; measured on 132, 128 and 96 SMs only (46% of the kernel time is measured down to 8)
        assertTrue(onEightSms > 0.4 && onEightSms < 0.55, id + " " + onEightSms);
      } else if (id.equals("training-vgg19")) {
        assertTrue(onEightSms > 0.5 && onEightSms < 0.7, id + " " + onEightSms); // the H100 at batch 64: the same stall
      } else {
        // VGG-19 at batch 120 on the H200 ran under SM occupancy down to 8 SMs (other conv kernels)
        assertEquals(1.0, m.measuredScalingShare(), 1e-12, id);
        assertEquals(1.0, onEightSms, 1e-12, id);
      }
    }
  }

  @Test
  void decodeSaturatesEarlierThanPrefill() {
    double decode = zoo().select("inference", "llama3-8b-decode", 0).earlySaturatingShare(0.1);
    double prefill = zoo().select("inference", "llama3-8b-prefill", 0).earlySaturatingShare(0.1);
    assertTrue(decode > 0.6, "decode is memory-bound: " + decode);
    assertTrue(prefill < 0.15, "prefill is compute-bound: " + prefill);
  }

  /** What another helper models graph vs eager launch from: in every inference trace of the H200. */
  @Test
  void inferenceTracesCarryLaunchCostsAndTrainingTracesMemory() {
    for (String id : zoo().ids()) {
      ZooModel m = zoo().get(id);
      if (!m.gpu().id().equals("h200")) continue;
      if (m.isInference()) {
        double eager = m.metaMs("request_wall_ms_eager");
        double perKernel = m.metaMs("host_launch_us_per_kernel");
        assertTrue(eager > m.measuredKernelMs(), id + ": eager wall " + eager + " ms vs kernel time " + m.measuredKernelMs());
        assertTrue(perKernel > 5 && perKernel < 100, id + ": host launch gap " + perKernel + " us per kernel");
        double graph = m.metaMs("request_wall_ms_graph");
        if (Double.isNaN(graph)) {
          // retinanet (NMS) and GPT-J copy host tensors to the GPU inside a request: not capturable
          assertTrue(m.meta().get("graph_error").contains("CUDA graph capture"), id);
        } else {
          assertTrue(graph < eager * 1.05 && graph >= m.measuredKernelMs() * 0.95, id + ": graph " + graph + " eager " + eager);
        }
      } else {
        assertTrue(m.hostWallMs() >= m.measuredKernelMs(), id);
        double gib = m.metaMs("peak_memory_gib");
        assertTrue(gib > 1 && gib < 80, id + " peak memory " + gib);
      }
    }
    // launch-bound requests: the graph removes most of the host's share (ResNet-50 b1: 8.1 -> 1.0 ms)
    ZooModel r = ModelZoo.inference("resnet50");
    assertTrue(r.metaMs("request_wall_ms_graph") < 0.25 * r.metaMs("request_wall_ms_eager"));
  }

  @Test
  void buildsWorkloadsAndTenants() {
    ZooModel resnet = ModelZoo.inference("resnet50");
    Workload.Inference w = resnet.workload(new Arrivals.Poisson(100));
    assertEquals(1, w.batchSize());
    assertEquals(resnet.records().size(), w.kernels().size());
    TenantSpec hp = resnet.tenant("resnet-hp", Priority.HP, 20, 33, new Arrivals.ClosedLoop());
    assertTrue(hp.isInference() && hp.isHighPriority());
    ZooModel vgg = ModelZoo.training("vgg19");
    Workload.Training tw = vgg.workload();
    assertEquals(120, tw.batchSize());
    assertEquals(291, tw.kernels().size());
    TenantSpec be = vgg.tenant("vgg-be", Priority.BE, 0);
    assertEquals(Priority.BE, be.priority());
    assertThrows(IllegalStateException.class, () -> vgg.workload(new Arrivals.ClosedLoop()));
    assertThrows(IllegalStateException.class, resnet::workload);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.training("alexnet"));
    assertTrue(e.getMessage().contains("known: [") && e.getMessage().contains("vgg19"), e.getMessage());
  }

  @Test
  void scenariosSelectByNameAndBatchSize() {
    assertEquals(ModelZoo.training("resnet50").kernels(), ModelLibrary.kernels("resnet50", "training", 0));
    assertEquals(ModelZoo.training("resnet50").kernels(), ModelLibrary.kernels("resnet50", "training", 184));
    assertEquals(zoo().get("inference-resnet50").kernels(), ModelLibrary.kernels("resnet50", "inference", 32));
    assertEquals(zoo().get("training-vgg19").kernels(), ModelLibrary.kernels("vgg19", "training", 64));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelLibrary.kernels("resnet50", "inference", 8));
    assertTrue(e.getMessage().contains("batch sizes [1, 32]") && e.getMessage().contains("batch size 8 has none"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelLibrary.kernels("resnet50", "training", 64));
    assertTrue(e.getMessage().contains("batch size [184]"), e.getMessage());
    assertEquals(zoo().select("inference", "llama3-8b-decode", 0).kernels(), ModelLibrary.kernels("llama3-8b-decode", "inference", 1));
    for (String n : List.of("resnet50", "retinanet", "bert-large", "llama3-8b", "gptj-6b", "vgg19", "mobilenetv2", "dlrm",
        "llama3-8b-lora", "llama3-8b-prefill", "gptj-6b-decode")) {
      assertTrue(ModelLibrary.names().contains(n), n);
    }
    e = assertThrows(IllegalArgumentException.class, () -> ModelLibrary.kernels("vgg19", "training", 0, 16));
    assertTrue(e.getMessage().contains("decodeSteps") && e.getMessage().contains("llama3-8b"), e.getMessage());
  }

  /** An LLM request: prefill of the 1024-token prompt, then 128 decode steps sharing their Kernels. */
  @Test
  void anLlmRequestIsAPrefillAndItsDecodeSteps() {
    for (String llm : List.of("llama3-8b", "gptj-6b")) {
      ZooModel prefill = zoo().select("inference", llm + "-prefill", 0);
      ZooModel decode = zoo().select("inference", llm + "-decode", 0);
      int p = prefill.records().size(), d = decode.records().size();
      List<Kernel> req = ModelLibrary.kernels(llm, "inference", 0);
      assertEquals(p + 128 * d, req.size(), llm);
      assertEquals(prefill.kernels(), req.subList(0, p));
      for (int s = 0; s < 128; s++) assertEquals(decode.kernels(), req.subList(p + s * d, p + (s + 1) * d));
      Set<Kernel> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      distinct.addAll(req);
      assertEquals(p + d, distinct.size(), llm + ": decode steps share their Kernel instances");
      assertSame(req.get(p), req.get(p + 127 * d));
      assertSame(req, ModelLibrary.kernels(llm, "inference", 1), "one list per request shape");
      assertEquals(p + 4 * d, ModelLibrary.kernels(llm, "inference", 0, 4).size());
      // measured: Llama-3 prefill 27.8 ms + 128 x 6.9 ms of kernels
      double ms = req.stream().mapToDouble(k -> k.idealLatencyUs(GpuSpec.H200, 66)).sum() / 1000;
      assertEquals(prefill.measuredKernelMs() + 128 * decode.measuredKernelMs(), ms, 1e-6 * ms, llm);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelLibrary.kernels("llama3-8b", "inference", 8));
    assertTrue(e.getMessage().contains("llama3-8b-decode") && e.getMessage().contains("[1]"), e.getMessage());
  }

  @Test
  void scenarioTenantsNameTheDecodeStepsField() {
    TenantConfig ok = llmTenant("llama3-8b", 16);
    Scenario s = new Scenario("x", "h200", null, 100.0, 10.0, 1L, new Scenario.PolicyConfig("mps", Map.of()), List.of(ok));
    assertEquals(1302 + 16 * 1494, s.tenantSpecs().get(0).workload().kernels().size());
    for (Object[] bad : List.of(new Object[] {llmTenant("llama3-8b", 0), "must be > 0, was 0"},
        new Object[] {llmTenant("resnet50", 8), "llama3-8b"})) {
      ScenarioException ex = assertThrows(ScenarioException.class, () -> s.withTenants(List.of((TenantConfig) bad[0])).tenantSpecs());
      assertEquals("tenants[0].decodeSteps", ex.field(), ex.getMessage());
      assertTrue(ex.getMessage().contains((String) bad[1]), ex.getMessage());
    }
  }

  private static TenantConfig llmTenant(String model, int steps) {
    return new TenantConfig("llm", Priority.HP, 2000.0, 0, "inference", "poisson", 0.5, null, null, model, null, null, steps);
  }

  @Test
  void summaryTableHasOneRowPerTrace() {
    Table t = ModelZoo.summaryTable();
    assertEquals(zoo().ids().size(), t.rowCount());
    for (String c : List.of("id", "kind", "gpu", "kernels", "kernel_ms", "modeled_ms", "early_saturating_share",
        "measured_scaling_share", "modeled_over_measured_sm8")) {
      assertTrue(t.columnNames().contains(c), c);
    }
    for (int r = 0; r < t.rowCount(); r++) {
      double share = t.doubleColumn("early_saturating_share").getDouble(r);
      assertTrue(share >= 0 && share <= 1);
      assertEquals(0, t.doubleColumn("modeled_error_pct").getDouble(r), 1e-6, "fitted on the GPU it was measured on");
    }
    Table k = ModelZoo.inference("bert-large").kernelTable();
    assertEquals(300, k.rowCount());
    assertEquals(ModelZoo.inference("bert-large").measuredKernelMs() * 1000, k.doubleColumn("dur_us").sum(), 1e-6);
  }
}
