package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ChromeTraceImporterTest {
  /** Two profiler steps; kernels listed out of time order; one kernel launched between the steps. */
  static final String TRACE = String.join("\n",
      "{\"schemaVersion\":1,\"deviceProperties\":[{\"id\":0,\"numSms\":132}],",
      "\"traceEvents\":[",
      "{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"ProfilerStep#1\",\"pid\":1,\"tid\":1,\"ts\":100,\"dur\":100},",
      "{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"ProfilerStep#2\",\"pid\":1,\"tid\":1,\"ts\":200,\"dur\":100},",
      "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"aten::mm\",\"pid\":1,\"tid\":1,\"ts\":105,\"dur\":3,\"args\":{\"Input Dims\":[[2,3],[3,4]]}},",
      "{\"ph\":\"X\",\"cat\":\"cuda_runtime\",\"name\":\"cudaLaunchKernel\",\"ts\":110,\"dur\":2,\"args\":{\"correlation\":11}},",
      "{\"ph\":\"X\",\"cat\":\"cuda_runtime\",\"name\":\"cudaLaunchKernel\",\"ts\":120,\"dur\":2,\"args\":{\"correlation\":12}},",
      "{\"ph\":\"X\",\"cat\":\"cuda_driver\",\"name\":\"cuLaunchKernelEx\",\"ts\":210,\"dur\":2,\"args\":{\"correlation\":21}},",
      "{\"ph\":\"X\",\"cat\":\"cuda_runtime\",\"name\":\"cudaLaunchKernel\",\"ts\":305,\"dur\":2,\"args\":{\"correlation\":31}},",
      "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"gemm, with a comma\",\"pid\":0,\"tid\":7,\"ts\":150.5,\"dur\":20.25,",
      " \"args\":{\"correlation\":12,\"registers per thread\":168,\"shared memory\":213188,\"stream\":7,\"grid\":[132,1,1],\"block\":[384,1,1]}},",
      "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"elementwise\",\"pid\":0,\"tid\":7,\"ts\":130,\"dur\":4,",
      " \"args\":{\"correlation\":11,\"registers per thread\":32,\"shared memory\":0,\"stream\":7,\"grid\":[64,2],\"block\":[128,1,1]}},",
      "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"elementwise\",\"pid\":0,\"tid\":7,\"ts\":230,\"dur\":5,",
      " \"args\":{\"correlation\":21,\"stream\":7,\"grid\":[64,2,1],\"block\":[128,1,1]}},",
      "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"late\",\"pid\":0,\"tid\":7,\"ts\":310,\"dur\":1,",
      " \"args\":{\"correlation\":31,\"grid\":[1,1,1],\"block\":[32,1,1]}},",
      "{\"ph\":\"X\",\"cat\":\"gpu_memset\",\"name\":\"Memset (Device)\",\"ts\":140,\"dur\":1,\"args\":{\"correlation\":13}},",
      "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"GPU 0\"}}",
      "],\"traceName\":\"x\"}");

  static KernelTrace parse(String json) throws IOException {
    return new ChromeTraceImporter().importStream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
  }

  static TraceFormatException parseError(String json) {
    return assertThrows(TraceFormatException.class, () -> parse(json));
  }

  @Test
  void groupsKernelsByTheStepTheirLaunchFellIn() throws IOException {
    KernelTrace t = parse(TRACE);
    assertEquals(List.of("ProfilerStep#1", "ProfilerStep#2"), t.requestLabels());
    assertEquals(4, t.kernels().size(), "memset is not a kernel");
    List<TraceKernel> first = t.request(0);
    assertEquals(List.of("elementwise", "gemm, with a comma"), first.stream().map(TraceKernel::name).toList(),
        "kernels in start order, not file order");
    TraceKernel gemm = first.get(1);
    assertEquals(1, gemm.seq());
    assertEquals(132, gemm.blocks());
    assertEquals(384, gemm.threadsPerBlock());
    assertEquals(168, gemm.regsPerThread());
    assertEquals(213188, gemm.smemBytes());
    assertEquals(7, gemm.stream());
    assertEquals(150.5, gemm.startUs());
    assertEquals(20.25, gemm.durationUs());
    assertEquals(128, first.get(0).blocks(), "a 2-entry grid has z = 1");
    assertEquals(List.of("elementwise"), t.request(1).stream().map(TraceKernel::name).toList());
    assertEquals(0, t.request(1).get(0).regsPerThread(), "absent registers read as 0");
    assertEquals(1, t.unassignedCount());
    assertEquals("late", t.request(-1).get(0).name());
    assertEquals(24.25, t.kernelUs(0), 1e-9);
  }

  @Test
  void readsGzipAndBareArrays() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(TRACE.getBytes(StandardCharsets.UTF_8));
    }
    KernelTrace gz = new ChromeTraceImporter().importStream(new ByteArrayInputStream(bytes.toByteArray()), "t.json.gz");
    assertEquals(parse(TRACE).kernels(), gz.kernels());
    assertEquals(parse(TRACE).requestLabels(), gz.requestLabels());
    String array = TRACE.substring(TRACE.indexOf('[', TRACE.indexOf("traceEvents")), TRACE.lastIndexOf(']') + 1);
    assertEquals(parse(TRACE).kernels(), parse(array).kernels());
  }

  @Test
  void fallsBackToGpuAnnotationsAndTakesOtherRangeNames() throws IOException {
    String gpuOnly = "[{\"ph\":\"X\",\"cat\":\"gpu_user_annotation\",\"name\":\"request:a\",\"ts\":0,\"dur\":50},"
        + "{\"ph\":\"X\",\"cat\":\"gpu_user_annotation\",\"name\":\"request:a\",\"ts\":60,\"dur\":50},"
        + "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"k\",\"ts\":70,\"dur\":5,\"args\":{\"grid\":[1,1,1],\"block\":[1,1,1]}}]";
    KernelTrace t = new ChromeTraceImporter(Pattern.compile("request:.*"))
        .importStream(new ByteArrayInputStream(gpuOnly.getBytes(StandardCharsets.UTF_8)), "g");
    assertEquals(2, t.requestCount());
    assertEquals(1, t.request(1).size());
    assertEquals(0, parse(gpuOnly).requestCount(), "the default pattern is ProfilerStep#N");
  }

  @Test
  void malformedJsonNamesLineAndColumn() {
    String broken = TRACE.replace("\"dur\":100},\n{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"ProfilerStep#2\"",
        "\"dur\":100}\n{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"ProfilerStep#2\"");
    TraceFormatException e = parseError(broken);
    assertTrue(e.getMessage().startsWith("test.json: malformed JSON"), e.getMessage());
    assertEquals(4, e.line(), e.getMessage());
    assertEquals(1, e.column(), "the '{' where a comma was expected: " + e.getMessage());
    assertTrue(e.getMessage().contains("at line 4, column 1 (byte "), e.getMessage());
  }

  @Test
  void truncatedTraceSaysSoWithTheByteOffset() {
    String cut = TRACE.substring(0, TRACE.indexOf("\"late\""));
    TraceFormatException e = parseError(cut);
    assertTrue(e.getMessage().contains("truncated trace"), e.getMessage());
    assertEquals(cut.getBytes(StandardCharsets.UTF_8).length, e.byteOffset(), e.getMessage());
    assertTrue(e.getMessage().contains("(byte " + e.byteOffset() + ")"), e.getMessage());
  }

  @Test
  void truncatedGzipSaysSo() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(TRACE.getBytes(StandardCharsets.UTF_8));
    }
    byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
    TraceFormatException e = assertThrows(TraceFormatException.class,
        () -> new ChromeTraceImporter().importStream(new ByteArrayInputStream(cut), "cut.json.gz"));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.line() > 1, "position inside the JSON text: " + e.getMessage());
  }

  @Test
  void kernelWithoutDurationNamesTheEvent() {
    TraceFormatException e = parseError(TRACE.replace("\"ts\":130,\"dur\":4,", "\"ts\":130,"));
    assertTrue(e.getMessage().contains("kernel event 'elementwise' without a non-negative 'dur'"), e.getMessage());
    assertEquals(12, e.line(), e.getMessage());
    assertEquals(1, e.column(), e.getMessage());
  }

  @Test
  void mistypedFieldsAreNamed() {
    TraceFormatException e = parseError(TRACE.replace("\"grid\":[132,1,1]", "\"grid\":\"132\""));
    assertTrue(e.getMessage().contains("field 'args.grid' has the wrong type (VALUE_STRING)"), e.getMessage());
    assertEquals(10, e.line());
    e = parseError(TRACE.replace("\"ts\":230,\"dur\":5", "\"ts\":230,\"dur\":\"5\""));
    assertTrue(e.getMessage().contains("field 'dur' has the wrong type"), e.getMessage());
    e = parseError(TRACE.replace("\"grid\":[64,2]", "\"grid\":[64,2,1,1]"));
    assertTrue(e.getMessage().contains("args.grid must have 1 to 3 entries, has 4"), e.getMessage());
  }

  @Test
  void wrongDocumentShapesAreExplained() {
    assertTrue(parseError("").getMessage().contains("empty trace"));
    assertTrue(parseError("42").getMessage().contains("starts with '{' or '['"));
    assertTrue(parseError("{\"traceEvents\":{}}").getMessage().contains("'traceEvents' must be an array"));
    assertTrue(parseError("{\"other\":[1,2]}").getMessage().contains("no 'traceEvents' array"));
    assertTrue(parseError("[1]").getMessage().contains("a trace event must be an object"));
    assertTrue(parseError("[] []").getMessage().contains("content after the end"));
  }

  @Test
  void readsARealTorchProfilerTrace() throws IOException {
    KernelTrace t = ChromeTraceImporter.read(RawData.dir().resolve("inference-resnet50.trace.json.gz"));
    assertEquals(List.of("ProfilerStep#1", "ProfilerStep#2", "ProfilerStep#3"), t.requestLabels());
    assertEquals(0, t.unassignedCount());
    for (List<TraceKernel> r : t.requests()) {
      assertEquals(282, r.size());
      assertTrue(r.stream().allMatch(TraceKernel::hasLaunchShape));
    }
    double ms = t.kernelUs(0) / 1000;
    assertTrue(ms > 2 && ms < 4, "ResNet-50 batch 32 on an H100: " + ms + " ms of kernels");
  }

  /** Where the raw measurements are, from the module folder or the repository root. */
  static final class RawData {
    /** The H100's (the traces the real/ scenarios pin). */
    static Path dir() { return dir("raw-h100"); }

    /** {@code datasets/traces/<name>}: raw-h100 or raw-h200. */
    static Path dir(String name) {
      for (Path p : List.of(Path.of("../datasets/traces", name), Path.of("datasets/traces", name))) {
        if (p.resolve("manifest.json").toFile().exists()) return p;
      }
      throw new IllegalStateException("datasets/traces/" + name + " not found from " + Path.of("").toAbsolutePath());
    }
  }
}
