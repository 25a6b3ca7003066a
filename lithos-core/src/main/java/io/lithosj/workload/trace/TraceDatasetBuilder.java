package io.lithosj.workload.trace;

import static io.lithosj.stats.Stats.median;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.gpu.GpuSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Turns what {@code datasets/collect_traces.py} measured into the compact dataset: for each
 * {@code <id>.trace.json.gz} in the raw folder, one {@code <id>.csv.gz} ({@link ModelTrace}) plus
 * an {@code index.json} listing them.
 *
 * <p>Per model: the Chrome trace's requests are read with {@link ChromeTraceImporter}; the first
 * request's kernel sequence is the one kept, each kernel's duration the median over all requests
 * (paired by {@link SequenceAligner}). Then the re-runs on fewer SMs ({@code <id>.scaling.tsv.gz},
 * the whole request, and {@code <id>.scaling-<part>.tsv.gz}, partial runs) are paired kernel by
 * kernel with that sequence; a pairing counts only if the re-run's whole-GPU duration agrees with
 * the trace's (within 25% + 1 µs), which rejects a same-named kernel of another shape. The first
 * source that pairs a kernel at every SM count gives its scaling durations (medians over the
 * re-run's iterations); a kernel no source covers fully takes the first that measured it on the
 * whole GPU and at {@value #MIN_PARTIAL_POINTS} or more other SM counts (the others stay empty): SM
 * occupancy runs whose convolution backward stalls below 96 SMs (datasets/traces/PROVENANCE.md).
 *
 * <p>Where the raw folder has {@code <id>.dram.csv.gz} (per-kernel DRAM bytes measured with Nsight
 * Compute), each kernel carries its measured bytes ({@link DramMeasurements}).
 *
 * <p>Each trace records the GPU it was measured on ({@code measured_on}, the {@link GpuSpec} id
 * matching the manifest's device name), and index.json its kind, model, batch size, GPU, whether
 * it is the paper's shape and, for an LLM, its phase (from the manifest's records: see
 * datasets/merge_manifests.py), which {@link ModelZoo} selects by.
 *
 * <p>Usage: {@code java ... TraceDatasetBuilder datasets/traces/raw-h200 datasets/traces/raw-h100 datasets/traces}
 * (one or more raw folders, each with its manifest.json; then the output folder)
 */
public final class TraceDatasetBuilder {
  static final double AGREE_REL = 0.25;
  static final double AGREE_ABS_US = 1.0;
  static final int MIN_PARTIAL_POINTS = 2;

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What was built for one model, for the index and the log. */
  public record Built(ModelTrace trace, int requests, int unassigned, Map<String, Integer> pairedBySource,
                      int rejectedPairs) {}

  /** Kept for scripts: the same as {@code lithos build-traces RAW... OUT}, with its error handling. */
  public static void main(String[] args) {
    String[] sub = new String[args.length + 1];
    sub[0] = "build-traces";
    System.arraycopy(args, 0, sub, 1, args.length);
    io.lithosj.cli.LithosCli.main(sub);
  }

  public List<Built> buildAll(Path raw, Path out) throws IOException { return buildAll(List.of(raw), out); }

  /** Every trace of every raw folder into one dataset (ids must be unique across the folders). */
  public List<Built> buildAll(List<Path> raws, Path out) throws IOException {
    Map<String, Path> rawOf = new java.util.TreeMap<>();
    Map<Path, JsonNode> manifests = new LinkedHashMap<>();
    for (Path raw : raws) {
      manifests.put(raw, manifest(raw));
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(raw, "*.trace.json.gz")) {
        for (Path p : ds) {
          Path before = rawOf.put(p.getFileName().toString().replace(".trace.json.gz", ""), raw);
          if (before != null) throw new IOException(p.getFileName() + " is in both " + before + " and " + raw);
        }
      }
    }
    if (rawOf.isEmpty()) throw new IOException("no *.trace.json.gz in " + raws + ": nothing to build");
    Files.createDirectories(out);
    List<Built> all = new ArrayList<>();
    ArrayNode index = json.createArrayNode();
    for (Map.Entry<String, Path> r : rawOf.entrySet()) {
      String id = r.getKey();
      Path raw = r.getValue();
      JsonNode manifest = manifests.get(raw);
      if (!manifest.path("models").path(id).isObject()) {
        throw new IOException(raw.resolve("manifest.json") + ": no entry models." + id + " for " + id + ".trace.json.gz "
            + "(its kind, model and batch size)");
      }
      Built b = build(raw, id, manifest.path("models").path(id), manifest.path("env"));
      try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out.resolve(id + ".csv.gz")))) {
        b.trace().write(o);
      }
      ObjectNode e = index.addObject();
      e.put("id", id);
      e.put("file", id + ".csv.gz");
      e.put("kind", b.trace().meta().get("kind"));
      Map<String, String> m = b.trace().meta();
      e.put("model", m.get("model"));
      if (m.containsKey("batch")) e.put("batch", Integer.parseInt(m.get("batch")));
      e.put("gpu", m.get("measured_on"));
      e.put("paperShape", Boolean.parseBoolean(m.getOrDefault("paper_shape", "false")));
      if (m.containsKey("phase")) e.put("phase", m.get("phase"));
      e.put("kernels", b.trace().kernels().size());
      e.put("kernelMs", Math.round(b.trace().kernelUs()) / 1000.0);
      all.add(b);
    }
    json.writeValue(out.resolve("index.json").toFile(), index);
    return all;
  }

  /** Builds one model's compact trace from its raw files. */
  public Built build(Path raw, String id, JsonNode modelMeta, JsonNode env) throws IOException {
    KernelTrace trace = ChromeTraceImporter.read(raw.resolve(id + ".trace.json.gz"));
    List<List<TraceKernel>> requests = trace.requests().stream().filter(r -> !r.isEmpty()).toList();
    if (requests.isEmpty()) {
      throw new IOException(raw.resolve(id + ".trace.json.gz") + ": the trace has no kernels inside a request range ("
          + trace.unassignedCount() + " kernels outside any)");
    }
    List<TraceKernel> base = requests.get(0);
    List<String> names = base.stream().map(TraceKernel::name).toList();
    double[][] durations = new double[base.size()][];
    List<List<Double>> perKernel = new ArrayList<>();
    for (int i = 0; i < base.size(); i++) perKernel.add(new ArrayList<>());
    for (List<TraceKernel> req : requests) {
      int[] map = SequenceAligner.align(names, req.stream().map(TraceKernel::name).toList());
      for (int i = 0; i < map.length; i++) if (map[i] >= 0) perKernel.get(i).add(req.get(map[i]).durationUs());
    }
    for (int i = 0; i < base.size(); i++) durations[i] = perKernel.get(i).stream().mapToDouble(Double::doubleValue).toArray();

    double[][] run = new double[base.size()][ModelTrace.SM_COUNTS.length];
    for (double[] r : run) Arrays.fill(r, Double.NaN);
    String[] source = new String[base.size()];
    Arrays.fill(source, "");
    Map<String, Integer> paired = new LinkedHashMap<>();
    int rejected = 0;
    List<Path> files = scalingFiles(raw, id);
    List<double[][]> medians = new ArrayList<>();
    for (Path f : files) medians.add(pairedMedians(names, ScalingRuns.read(f)));
    for (boolean partial : new boolean[] {false, true}) {
      for (int s = 0; s < files.size(); s++) {
        String part = files.get(s).getFileName().toString().replace(id + ".scaling", "").replace(".tsv.gz", "");
        String name = part.isEmpty() ? "full" : part.substring(1);
        int n = 0;
        for (int i = 0; i < base.size(); i++) {
          double[] m = medians.get(s)[i];
          if (!source[i].isEmpty() || Double.isNaN(m[0]) || (points(m) < m.length) != partial) continue;
          if (partial && points(m) < 1 + MIN_PARTIAL_POINTS) continue;
          double t = median(durations[i]);
          if (Math.abs(m[0] - t) > AGREE_REL * t + AGREE_ABS_US) {
            rejected++;
            continue;
          }
          run[i] = m;
          source[i] = name;
          n++;
        }
        if (n > 0 || !partial) paired.merge(partial ? name + " (some SM counts)" : name, n, Integer::sum);
      }
    }

    Path dramFile = DramMeasurements.fileFor(raw, id);
    DramMeasurements.Paired dram = dramFile == null ? null : DramMeasurements.pair(dramFile, base);
    List<KernelRecord> rows = new ArrayList<>();
    for (int i = 0; i < base.size(); i++) {
      TraceKernel k = base.get(i);
      rows.add(new KernelRecord(i, k.name(), k.gridX(), k.gridY(), k.gridZ(), k.blockX(), k.blockY(), k.blockZ(),
          k.regsPerThread(), k.smemBytes(), k.stream(), median(durations[i]), run[i], source[i],
          dram == null ? Double.NaN : dram.bytes()[i]));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("id", id);
    for (Iterator<Map.Entry<String, JsonNode>> it = modelMeta.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isValueNode()) meta.put(e.getKey(), e.getValue().asText());
    }
    meta.put("requests_profiled", Integer.toString(requests.size()));
    meta.put("request_span_us", fmt(medianSpan(requests)));
    meta.put("unassigned_kernels", Integer.toString(trace.unassignedCount()));
    meta.put("scaling_paired", paired.toString());
    meta.put("gpu", env.path("gpu").asText() + ", driver " + driverOf(env) + ", CUDA " + env.path("torch_cuda").asText()
        + ", PyTorch " + env.path("torch").asText());
    meta.put("measured", env.path("date_utc").asText());
    GpuSpec on = GpuSpec.presetForDeviceName(env.path("gpu").asText());
    if (on == null) throw new IOException(id + ": no GPU preset matches the manifest's device '" + env.path("gpu").asText() + "'");
    meta.put("measured_on", on.id());
    if (dram != null) {
      meta.put("dram_bytes", "Nsight Compute dram__bytes_read.sum + dram__bytes_write.sum, one request/iteration, "
          + "L2 not flushed (validation/dram_bytes_ncu.py; " + dramFile.getFileName() + ")");
      meta.put("dram_bytes_kernels", dram.matched() + " of " + base.size());
    }
    return new Built(new ModelTrace(meta, rows), requests.size(), trace.unassignedCount(), paired, rejected);
  }

  /** A raw folder's manifest.json, with the folder or file named when it is missing or malformed. */
  private JsonNode manifest(Path raw) throws IOException {
    if (!Files.isDirectory(raw)) throw new IOException("raw folder " + raw + ": " + (Files.exists(raw) ? "not a folder" : "no such folder"));
    Path f = raw.resolve("manifest.json");
    if (!Files.isRegularFile(f)) throw new IOException(f + ": no such file (datasets/collect_traces.py writes it beside the traces)");
    try {
      JsonNode n = json.readTree(f.toFile());
      if (n == null || !n.isObject()) throw new IOException(f + ": not a JSON object");
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      throw new IOException(f + ": malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
          + ": " + e.getOriginalMessage().replaceAll("\\s*[\\r\\n]+\\s*", " "), e);
    }
  }

  private static List<Path> scalingFiles(Path raw, String id) throws IOException {
    List<Path> files = new ArrayList<>();
    Path main = raw.resolve(id + ".scaling.tsv.gz");
    if (Files.exists(main)) files.add(main);
    List<Path> parts = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(raw, id + ".scaling-*.tsv.gz")) {
      for (Path p : ds) parts.add(p);
    }
    parts.sort(null);
    files.addAll(parts);
    return files;
  }

  /** Per base kernel and SM count, the median duration of the kernels paired with it; NaN if none. */
  static double[][] pairedMedians(List<String> names, ScalingRuns runs) {
    double[][] out = new double[names.size()][ModelTrace.SM_COUNTS.length];
    for (double[] r : out) Arrays.fill(r, Double.NaN);
    for (Map.Entry<Integer, List<List<ScalingRuns.RunKernel>>> e : runs.bySms().entrySet()) {
      int col = ModelTrace.indexOfSms(e.getKey());
      List<List<Double>> got = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) got.add(new ArrayList<>());
      for (List<ScalingRuns.RunKernel> iteration : e.getValue()) {
        int[] map = SequenceAligner.align(names, iteration.stream().map(ScalingRuns.RunKernel::name).toList());
        for (int i = 0; i < map.length; i++) if (map[i] >= 0) got.get(i).add(iteration.get(map[i]).durationUs());
      }
      for (int i = 0; i < names.size(); i++) {
        if (!got.get(i).isEmpty()) out[i][col] = median(got.get(i).stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
    return out;
  }

  private static int points(double[] r) {
    int n = 0;
    for (double v : r) if (!Double.isNaN(v)) n++;
    return n;
  }

  private static double medianSpan(List<List<TraceKernel>> requests) {
    double[] spans = new double[requests.size()];
    for (int i = 0; i < spans.length; i++) {
      List<TraceKernel> r = requests.get(i);
      double start = Double.POSITIVE_INFINITY, end = Double.NEGATIVE_INFINITY;
      for (TraceKernel k : r) {
        start = Math.min(start, k.startUs());
        end = Math.max(end, k.startUs() + k.durationUs());
      }
      spans[i] = end - start;
    }
    return median(spans);
  }

  private static String driverOf(JsonNode env) {
    String[] lines = env.path("nvidia_smi").asText().split("\n");
    if (lines.length < 2) return "?";
    String[] f = lines[1].split(",");
    return f.length > 1 ? f[1].trim() : "?";
  }

  private static String fmt(double v) { return String.format(Locale.ROOT, "%.1f", v); }
}
