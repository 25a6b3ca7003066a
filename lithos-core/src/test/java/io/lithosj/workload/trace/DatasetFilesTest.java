package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compact per-model CSV, the scaling-run TSV, and rebuilding the dataset from the raw files. */
class DatasetFilesTest {
  static InputStream text(String s) { return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)); }

  @Test
  void modelTraceRoundTrips() throws IOException {
    double[] run = {10, 10.2, 13, Double.NaN, 40, 80, 160};
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("id", "inference-x");
    meta.put("batch", "8");
    ModelTrace t = new ModelTrace(meta, List.of(
        new KernelRecord(0, "void f<a, \"b\">(int, float)", 132, 1, 1, 384, 1, 1, 168, 213188, 7, 10.5, run, "full"),
        new KernelRecord(1, "k2", 1, 1, 1, 32, 1, 1, 0, 0, -1, 1.25, new double[7], "")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    t.write(out);
    ModelTrace back = ModelTrace.read(new ByteArrayInputStream(out.toByteArray()), "mem");
    assertEquals(t, back);
    assertEquals(11.75, back.kernelUs(), 1e-9);
    assertEquals(4.0, back.kernels().get(0).slowdownAt(32), 1e-9);
  }

  @Test
  void measuredDramBytesRoundTripAndStayOptional() throws IOException {
    double[] run = {10, 10.2, 13, Double.NaN, 40, 80, 160};
    ModelTrace t = new ModelTrace(Map.of("id", "training-x"), List.of(
        new KernelRecord(0, "gemm", 132, 1, 1, 384, 1, 1, 168, 0, 7, 10.5, run, "full", 123_456_789),
        new KernelRecord(1, "k2", 1, 1, 1, 32, 1, 1, 0, 0, 7, 1.25, new double[7], "")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    t.write(out);
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains(ModelTrace.COLUMNS + ",dram_bytes\n"), text);
    ModelTrace back = ModelTrace.read(new ByteArrayInputStream(out.toByteArray()), "mem");
    assertEquals(t, back);
    assertEquals(123_456_789, back.kernels().get(0).dramBytes(), 0);
    assertTrue(!back.kernels().get(1).hasDramBytes(), "an empty cell is 'not measured'");
    String bad = text.replace("123456789", "-5");
    TraceFormatException e = assertThrows(TraceFormatException.class,
        () -> ModelTrace.read(text(bad), "t.csv"));
    assertTrue(e.getMessage().contains("dram_bytes must be >= 0, was -5"), e.getMessage());
  }

  @Test
  void modelTraceErrorsNameTheLine() {
    String ok = "# format=lithosj-kernel-trace-v1\n# id=x\n" + ModelTrace.COLUMNS + "\n";
    TraceFormatException e = assertThrows(TraceFormatException.class,
        () -> ModelTrace.read(text(ok + "0,\"k\",1,1,1,32,1,1,0,0,7,abc,,,,,,,,\n"), "x.csv"));
    assertEquals(4, e.line());
    assertTrue(e.getMessage().contains("bad number"), e.getMessage());
    e = assertThrows(TraceFormatException.class, () -> ModelTrace.read(text(ok + "0,\"k\",1,1,1\n"), "x.csv"));
    assertTrue(e.getMessage().contains("expected 18 fields after the name, found 3"), e.getMessage());
    e = assertThrows(TraceFormatException.class, () -> ModelTrace.read(text("# id=x\nseq,name\n"), "x.csv"));
    assertTrue(e.getMessage().contains("expected the columns"), e.getMessage());
  }

  @Test
  void scalingRunsParseAndCheckOrder() throws IOException {
    String tsv = "sms\tcontext\titeration\torder\tdur_ns\tstream\tname\n"
        + "132\tprimary\t0\t0\t1500\t7\tk, a\n132\tprimary\t0\t1\t2500\t7\tk2\n8\tgreen\t0\t0\t9000\t12\tk, a\n";
    ScalingRuns r = ScalingRuns.read(text(tsv), "s.tsv");
    assertEquals(List.of(8, 132), List.copyOf(r.bySms().keySet()));
    assertEquals(1.5, r.bySms().get(132).get(0).get(0).durationUs());
    assertEquals("k, a", r.bySms().get(8).get(0).get(0).name());
    TraceFormatException e = assertThrows(TraceFormatException.class,
        () -> ScalingRuns.read(text(tsv.replace("132\tprimary\t0\t1\t", "132\tprimary\t0\t5\t")), "s.tsv"));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("order 5 out of sequence"), e.getMessage());
    e = assertThrows(TraceFormatException.class, () -> ScalingRuns.read(text(tsv.replace("2500", "-3")), "s.tsv"));
    assertTrue(e.getMessage().contains("'dur_ns' is not a non-negative integer"), e.getMessage());
  }

  @Test
  void aSameNamedKernelOfAnotherShapeIsNotPaired() throws IOException {
    // the trace's gemm takes 10 µs; the partial run's only gemm takes 40 µs on the whole GPU
    String tsv = "sms\tcontext\titeration\torder\tdur_ns\tstream\tname\n" + String.join("",
        java.util.stream.IntStream.of(ModelTrace.SM_COUNTS).mapToObj(s -> s + "\tg\t0\t0\t" + (40_000 * 132 / s)
            + "\t7\tgemm\n").toList());
    double[][] m = TraceDatasetBuilder.pairedMedians(List.of("gemm"), ScalingRuns.read(text(tsv), "p"));
    assertEquals(40.0, m[0][0], 1e-9, "paired by name");
    assertTrue(Math.abs(m[0][0] - 10) > TraceDatasetBuilder.AGREE_REL * 10 + TraceDatasetBuilder.AGREE_ABS_US,
        "so the builder's duration check must reject it");
  }

  @Test
  void rebuildingFromTheRawFilesGivesTheCommittedDataset(@TempDir Path tmp) throws IOException {
    // one H100 trace measured whole, one of each GPU from partial runs (ResNet-50 on the H200:
    // forward, no-cuDNN and SM-occupancy parts)
    for (String[] c : List.of(new String[] {"raw-h100", "inference-resnet50"}, new String[] {"raw-h100", "training-vgg19"},
        new String[] {"raw-h200", "training-resnet50-b184"})) {
      Path raw = ChromeTraceImporterTest.RawData.dir(c[0]);
      Path committed = raw.getParent();
      TraceDatasetBuilder b = new TraceDatasetBuilder();
      var manifest = new ObjectMapper().readTree(raw.resolve("manifest.json").toFile());
      String id = c[1];
      TraceDatasetBuilder.Built built = b.build(raw, id, manifest.path("models").path(id), manifest.path("env"));
      ModelTrace expected;
      try (InputStream in = new GZIPInputStream(Files.newInputStream(committed.resolve(id + ".csv.gz")))) {
        expected = ModelTrace.read(in, id);
      }
      // through the CSV once, as the committed file went
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      built.trace().write(out);
      assertEquals(expected, ModelTrace.read(new ByteArrayInputStream(out.toByteArray()), id), id);
      assertEquals(3, built.requests());
      assertEquals(0, built.unassigned());
    }
  }
}
