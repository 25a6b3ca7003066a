package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class ModelZooTest {
  static final List<String> INFERENCE = List.of("resnet50", "retinanet", "bert-large", "gptj-6b-prefill",
      "gptj-6b-decode", "llama3-8b-prefill", "llama3-8b-decode");
  static final List<String> TRAINING = List.of("vgg19", "resnet50", "mobilenetv2", "dlrm", "bert-large", "llama3-8b-lora");
  static final GpuSpec H100 = GpuSpec.H100_SXM;

  static Path raw() {
    for (Path p : List.of(Path.of("../datasets/traces/raw"), Path.of("datasets/traces/raw"))) {
      if (p.resolve("manifest.json").toFile().exists()) return p;
    }
    throw new IllegalStateException("datasets/traces/raw not found");
  }

  static ZooModel model(String id) {
    return id.startsWith("inference-") ? ModelZoo.inference(id.substring(10)) : ModelZoo.training(id.substring(9));
  }

  @Test
  void everyPaperModelIsThere() {
    List<String> ids = ModelZoo.defaultZoo().ids();
    for (String m : INFERENCE) assertTrue(ids.contains("inference-" + m), m);
    for (String m : TRAINING) assertTrue(ids.contains("training-" + m), m);
    assertEquals(INFERENCE.size() + TRAINING.size(), ids.size());
  }

  /** Against the Chrome trace itself, read independently: kernel count and time per request. */
  @Test
  void kernelCountsAndTimesMatchTheProfiles() throws IOException {
    for (String id : ModelZoo.defaultZoo().ids()) {
      ZooModel m = model(id);
      KernelTrace t = ChromeTraceImporter.read(raw().resolve(id + ".trace.json.gz"));
      assertEquals(3, t.requestCount(), id);
      double[] perRequestUs = new double[3];
      for (int r = 0; r < 3; r++) {
        assertEquals(t.request(r).size(), m.records().size(), id + " kernels in request " + r);
        perRequestUs[r] = t.kernelUs(r);
      }
      Arrays.sort(perRequestUs);
      double traceMs = perRequestUs[1] / 1000;
      double measuredMs = m.measuredKernelMs();
      assertEquals(traceMs, measuredMs, 0.02 * traceMs, id + ": sum of per-kernel medians vs the median request");
      double modeledMs = m.modeledKernelMs(H100, H100.tpcCount());
      assertEquals(traceMs, modeledMs, 0.05 * traceMs, id + ": the modeled H100 (ideal latencies, 66 TPCs) vs the trace");
      List<Kernel> ks = m.kernels();
      TraceKernel first = t.request(0).get(0);
      assertEquals(first.blocks(), ks.get(0).blocks(), id + ": real grid kept");
      assertEquals(first.threadsPerBlock(), ks.get(0).threadsPerBlock());
      assertEquals(first.regsPerThread(), ks.get(0).regsPerThread());
      assertEquals(first.smemBytes(), ks.get(0).smemPerBlockBytes());
    }
  }

  /**
   * The H100 model with the per-SM DRAM bandwidth that the same session measured: a 2 GiB copy in
   * a green context of 8 SMs, in the units of {@code memBandwidthGBps} (scaled by the whole-GPU copy).
   */
  static GpuSpec probeCalibratedH100() throws IOException {
    JsonNode probe = new ObjectMapper().readTree(raw().resolve("manifest.json").toFile()).path("green_contexts").path("probe");
    double perSm = probe.path("green8").path("copy_gbps").asDouble() / 8
        * H100.memBandwidthGBps() / probe.path("primary132").path("copy_gbps").asDouble();
    assertTrue(perSm > 50 && perSm < 120, "per-SM bandwidth " + perSm);
    return H100.withSmBandwidthGBps(perSm);
  }

  /**
   * The fitted kernels against the green-context measurements, in aggregate over each model, from
   * half of the GPU down to 8 SMs (measured spread 0.94-1.12 with the probe-calibrated bandwidth).
   */
  @Test
  void fittedKernelsReproduceTheScalingMeasurementsUpToHalfTheGpu() throws IOException {
    ModelZoo zoo = ModelZoo.defaultZoo().fittedTo(probeCalibratedH100());
    for (String id : zoo.ids()) {
      ZooModel m = zoo.get(id);
      for (int sms : new int[] {64, 32, 16, 8}) {
        double r = m.modeledOverMeasuredAt(sms);
        assertTrue(r > 0.9 && r < 1.15, id + " on " + sms + " SMs: modeled/measured " + r);
      }
      assertTrue(m.fitRmsLogError() < 0.3, id + " per-kernel fit error " + m.fitRmsLogError());
      assertEquals(m.measuredKernelMs(), m.modeledKernelMs(m.gpu(), 66), 1e-6 * m.measuredKernelMs(), id);
    }
  }

  /**
   * Near the whole GPU the waves model misses for one kind of kernel only: grids sized to the 132
   * SMs (persistent GEMMs) lose little on 128 SMs, the model charges them a second wave.
   */
  @Test
  void onAlmostAllSmsOnlyGridsSizedToTheGpuAreMissed() {
    for (String id : ModelZoo.defaultZoo().ids()) {
      double others = model(id).modeledOverMeasuredAt(128, true);
      // VGG-19's convolution backward, measured by SM occupancy, loses ~6% more on 128 SMs than
      // a second partial wave explains (PROVENANCE.md); every other model is within 5%
      double low = id.equals("training-vgg19") ? 0.92 : 0.95;
      assertTrue(others > low && others < 1.05, id + " without grids sized to the GPU, 128 SMs: " + others);
    }
    ZooModel decode = ModelZoo.inference("llama3-8b-decode");
    assertTrue(decode.gridSizedToGpuShare() > 0.4, "decode time in persistent kernels: " + decode.gridSizedToGpuShare());
    assertTrue(decode.modeledOverMeasuredAt(128) > 1.3, "and the model overshoots: " + decode.modeledOverMeasuredAt(128));
  }

  @Test
  void scalingIsMeasuredWhereGreenContextsRanTheModel() {
    for (String id : ModelZoo.defaultZoo().ids()) {
      ZooModel m = model(id);
      // cuDNN's convolution backward does not run in green contexts (CUDA error 912) and stalls
      // under SM occupancy below 96 SMs: in CNN training with 3x3 convolutions those kernels are
      // measured on 132, 128 and 96 SMs only
      double onEightSms = m.trace().kernels().stream().filter(r -> !Double.isNaN(r.slowdownAt(8)))
          .mapToDouble(KernelRecord::durationUs).sum() / m.trace().kernelUs();
      if (id.equals("training-resnet50") || id.equals("training-vgg19")) {
        assertTrue(m.measuredScalingShare() > 0.99, id + " " + m.measuredScalingShare());
        assertTrue(onEightSms > 0.5 && onEightSms < 0.7, id + " " + onEightSms);
      } else {
        assertEquals(1.0, m.measuredScalingShare(), 1e-12, id);
        assertEquals(1.0, onEightSms, 1e-12, id);
      }
    }
  }

  @Test
  void decodeSaturatesEarlierThanPrefill() {
    double decode = ModelZoo.inference("llama3-8b-decode").earlySaturatingShare(0.1);
    double prefill = ModelZoo.inference("llama3-8b-prefill").earlySaturatingShare(0.1);
    assertTrue(decode > 0.5, "decode is memory-bound: " + decode);
    assertTrue(prefill < 0.2, "prefill is compute-bound: " + prefill);
  }

  @Test
  void buildsWorkloadsAndTenants() {
    ZooModel resnet = ModelZoo.inference("resnet50");
    Workload.Inference w = resnet.workload(new Arrivals.Poisson(100));
    assertEquals(32, w.batchSize());
    assertEquals(resnet.records().size(), w.kernels().size());
    TenantSpec hp = resnet.tenant("resnet-hp", Priority.HP, 20, 33, new Arrivals.ClosedLoop());
    assertTrue(hp.isInference() && hp.isHighPriority());
    ZooModel vgg = ModelZoo.training("vgg19");
    Workload.Training tw = vgg.workload();
    assertEquals(64, tw.batchSize());
    assertEquals(281, tw.kernels().size());
    TenantSpec be = vgg.tenant("vgg-be", Priority.BE, 0);
    assertEquals(Priority.BE, be.priority());
    assertThrows(IllegalStateException.class, () -> vgg.workload(new Arrivals.ClosedLoop()));
    assertThrows(IllegalStateException.class, resnet::workload);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.training("alexnet"));
    assertTrue(e.getMessage().contains("known: [") && e.getMessage().contains("vgg19"), e.getMessage());
  }

  @Test
  void scenariosFindTheModelsByName() {
    List<Kernel> ks = ModelLibrary.kernels("llama3-8b-decode", "inference", 8);
    assertEquals(ModelZoo.inference("llama3-8b-decode").kernels(), ks);
    assertEquals(ModelZoo.training("resnet50").kernels(), ModelLibrary.kernels("resnet50", "training", 64));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelLibrary.kernels("resnet50", "inference", 1));
    assertTrue(e.getMessage().contains("measured at batch size 32"), e.getMessage());
    assertTrue(ModelLibrary.names().contains("llama3-8b-lora"));
  }

  @Test
  void summaryTableHasOneRowPerModel() {
    Table t = ModelZoo.summaryTable();
    assertEquals(13, t.rowCount());
    for (String c : List.of("id", "kind", "kernels", "kernel_ms", "modeled_ms", "early_saturating_share",
        "measured_scaling_share", "modeled_over_measured_sm8")) {
      assertTrue(t.columnNames().contains(c), c);
    }
    for (int r = 0; r < t.rowCount(); r++) {
      double share = t.doubleColumn("early_saturating_share").getDouble(r);
      assertTrue(share >= 0 && share <= 1);
    }
    Table k = ModelZoo.inference("bert-large").kernelTable();
    assertEquals(301, k.rowCount());
    assertEquals(ModelZoo.inference("bert-large").measuredKernelMs() * 1000, k.doubleColumn("dur_us").sum(), 1e-6);
  }
}
