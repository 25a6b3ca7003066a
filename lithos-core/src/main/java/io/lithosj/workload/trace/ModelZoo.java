package io.lithosj.workload.trace;

import static io.lithosj.stats.Stats.median;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.workload.ModelLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The models of the LithOS paper as measured kernel traces (datasets/traces): {@code
 * ModelZoo.inference("resnet50")}, {@code ModelZoo.training("vgg19")}, each a {@link ZooModel} that
 * builds a {@code Workload} or {@code TenantSpec}. Each trace is fitted to the GPU it was measured
 * on (index.json's {@code gpu}: the paper's shapes on an H200, two older shapes on an H100).
 *
 * <p>Names (what scenarios say as {@code "model"}): inference {@code resnet50}, {@code retinanet},
 * {@code bert-large}, {@code llama3-8b}, {@code gptj-6b} (an LLM name is a whole request: one
 * prefill plus {@code decodeSteps} decode steps, see {@link #llmRequest}; {@code llama3-8b-prefill}
 * and {@code llama3-8b-decode} name one phase), training {@code vgg19}, {@code resnet50},
 * {@code mobilenetv2}, {@code dlrm}, {@code bert-large}, {@code llama3-8b-lora}. Without a batch
 * size a name means the paper's shape (index.json's {@code paperShape}); a batch size picks the
 * trace measured at it, and one without a trace fails naming the batch sizes that exist.
 *
 * <p>The data is read from the folder named by the system property {@code lithosj.traces} (or the
 * environment variable {@code LITHOSJ_TRACES}) if set, else from the classpath (the jar carries
 * datasets/traces), else from {@code datasets/traces} in the working folder or one above it.
 */
public final class ModelZoo {
  static final String RESOURCES = "/io/lithosj/datasets/traces/";

  private static volatile ModelZoo defaultZoo;

  /**
   * One line of index.json. {@code name}: what scenarios call it ({@code model}, or
   * {@code model-phase} for an LLM phase); {@code gpu}: id of the {@link GpuSpec} it was measured on.
   */
  public record Entry(String id, String file, String kind, String name, String model, int batch, String gpu,
                      boolean paperShape, String phase) {}

  private final String where;
  private final Loader loader;
  private final Map<String, GpuSpec> fitOverrides;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, ZooModel> models = new HashMap<>();
  private final Map<String, List<Kernel>> requests = new HashMap<>();
  private volatile Map<String, Map<String, double[]>> priors;

  @FunctionalInterface
  private interface Loader {
    InputStream open(String file) throws IOException;
  }

  private ModelZoo(String where, Loader loader, Map<String, GpuSpec> fitOverrides) throws IOException {
    this.where = where;
    this.loader = loader;
    this.fitOverrides = Map.copyOf(fitOverrides);
    try (InputStream in = loader.open("index.json")) {
      if (in == null) throw new IOException("no index.json in " + where);
      for (JsonNode e : new ObjectMapper().readTree(in)) {
        String id = e.path("id").asText();
        String kind = e.path("kind").asText();
        String model = e.path("model").asText();
        String phase = e.hasNonNull("phase") ? e.path("phase").asText() : null;
        entries.put(id, new Entry(id, e.path("file").asText(), kind, phase == null ? model : model + "-" + phase, model,
            e.path("batch").asInt(1), e.path("gpu").asText(GpuSpec.H100_SXM.id()), e.path("paperShape").asBoolean(false), phase));
      }
    }
  }

  /** A zoo read from a dataset folder (index.json and the per-model .csv.gz files). */
  public static ModelZoo fromDirectory(Path dir) {
    try {
      return new ModelZoo(dir.toString(), f -> Files.exists(dir.resolve(f)) ? Files.newInputStream(dir.resolve(f)) : null,
          Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The zoo of the bundled dataset (see the class comment for where it is looked for). */
  public static ModelZoo defaultZoo() {
    ModelZoo z = defaultZoo;
    if (z != null) return z;
    synchronized (ModelZoo.class) {
      if (defaultZoo == null) defaultZoo = locate();
      return defaultZoo;
    }
  }

  private static ModelZoo locate() {
    String dir = System.getProperty("lithosj.traces", System.getenv("LITHOSJ_TRACES"));
    if (dir != null) return fromDirectory(Path.of(dir));
    if (ModelZoo.class.getResource(RESOURCES + "index.json") != null) {
      try {
        return new ModelZoo("classpath:" + RESOURCES, f -> ModelZoo.class.getResourceAsStream(RESOURCES + f), Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p = cwd; p != null && p.getNameCount() >= cwd.getNameCount() - 1; p = p.getParent()) {
      if (Files.exists(p.resolve("datasets/traces/index.json"))) return fromDirectory(p.resolve("datasets/traces"));
    }
    throw new IllegalStateException("no kernel-trace dataset found: set -Dlithosj.traces=<folder with index.json>, "
        + "put lithos-core's jar on the classpath, or run from the repository");
  }

  /**
   * The same traces, those measured on {@code measuredGpu.id()} fitted to this model of that GPU
   * instead of its preset (e.g. recalibrated bandwidths: {@code
   * zoo.fittedTo(GpuSpec.H100_SXM.withSmBandwidthGBps(75))}); it must have 132 SMs.
   */
  public ModelZoo fittedTo(GpuSpec measuredGpu) {
    Map<String, GpuSpec> o = new HashMap<>(fitOverrides);
    o.put(measuredGpu.id(), measuredGpu);
    try {
      return new ModelZoo(where, loader, o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The GPU model that traces measured on GPU {@code gpuId} are fitted to. */
  public GpuSpec fitGpu(String gpuId) {
    GpuSpec o = fitOverrides.get(gpuId);
    return o != null ? o : GpuSpec.byId(gpuId);
  }

  /** The inference model {@code name} at the paper's shape (an LLM name: its prefill; see {@link #llmRequest}). */
  public static ZooModel inference(String name) { return defaultZoo().model("inference", name); }

  public static ZooModel training(String name) { return defaultZoo().model("training", name); }

  /** One row per model: see {@link #summary()}. */
  public static Table summaryTable() { return defaultZoo().summary(); }

  /**
   * Registers the default zoo's models with {@link ModelLibrary} by name ({@code resnet50},
   * {@code llama3-8b}, {@code llama3-8b-decode}, ...), so scenarios can say
   * {@code "model": "resnet50"} with an optional {@code batchSize} and, for an LLM, {@code decodeSteps}.
   */
  public static void registerAll() {
    ModelZoo z = defaultZoo();
    for (String name : z.names()) {
      ModelLibrary.register(name, (type, batch, decodeSteps) -> z.kernels(name, type, batch, decodeSteps));
      ModelLibrary.registerHostLaunch(name, (type, batch) -> z.hostLaunchUsPerKernel(name, type, batch));
    }
  }

  /**
   * The eager host time per kernel measured with the trace that {@code name} selects (an LLM
   * request: its decode step's, the bulk of its kernels), µs.
   */
  public double hostLaunchUsPerKernel(String name, String type, int batchSize) {
    ZooModel m = "inference".equals(type) && isLlm(name) ? select("inference", name + "-decode", batchSize)
        : select(type, name, batchSize);
    return m.hostLaunchUsPerKernel();
  }

  /** Every name a scenario can use, inference and training. */
  public List<String> names() {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (Entry e : entries.values()) {
      out.add(e.name());
      if (e.phase() != null) out.add(e.model());
    }
    return List.copyOf(out);
  }

  /** As {@link #kernels(String, String, int, Integer)} with the default number of decode steps. */
  public List<Kernel> kernels(String name, String type, int batchSize) { return kernels(name, type, batchSize, null); }

  /**
   * The kernels of one request or iteration of {@code name} of kind {@code type} at {@code batchSize}
   * (0 = the paper's shape). An LLM inference name is a whole request ({@link #llmRequest});
   * {@code decodeSteps} (null = the trace's default) applies to it only.
   */
  public List<Kernel> kernels(String name, String type, int batchSize, Integer decodeSteps) {
    if ("inference".equals(type) && isLlm(name)) return llmRequest(name, batchSize, decodeSteps == null ? 0 : decodeSteps);
    if (decodeSteps != null) {
      throw new IllegalArgumentException("decodeSteps applies to a whole LLM request (" + llmNames() + "), not to " + type
          + " model '" + name + "'");
    }
    return select(type, name, batchSize).kernels();
  }

  /** Whether {@code name} is an LLM whose inference traces come as prefill and decode phases. */
  public boolean isLlm(String name) {
    return entries.values().stream().anyMatch(e -> e.phase() != null && e.model().equals(name));
  }

  private List<String> llmNames() {
    return entries.values().stream().filter(e -> e.phase() != null).map(Entry::model).distinct().sorted().toList();
  }

  /**
   * One whole request of LLM {@code name}: its prefill (the paper's prompt) and then
   * {@code decodeSteps} decode steps (0 = the trace's {@code request_decode_steps}, the paper's 128
   * output tokens), each step the same measured decode trace at {@code batchSize} (0 = the paper's,
   * batch 1) and the context length it was measured at (1024 tokens: the KV cache grows to 1152
   * over a request, which the fixed context leaves out; datasets/paper_shapes.py). The decode
   * steps share the same {@link Kernel} instances, so a request costs one list, not 128 copies.
   */
  public List<Kernel> llmRequest(String name, int batchSize, int decodeSteps) {
    if (decodeSteps < 0) throw new IllegalArgumentException("decodeSteps must be >= 0 (0 = the trace's request_decode_steps), was " + decodeSteps);
    ZooModel prefill = select("inference", name + "-prefill", 0);
    ZooModel decode = select("inference", name + "-decode", batchSize);
    int steps = decodeSteps > 0 ? decodeSteps : Integer.parseInt(decode.meta().getOrDefault("request_decode_steps", "0"));
    if (steps <= 0) throw new IllegalStateException(decode.id() + ": no request_decode_steps in its metadata; give decodeSteps");
    String key = name + "/" + decode.id() + "/" + steps;
    synchronized (requests) {
      List<Kernel> r = requests.get(key);
      if (r != null) return r;
      List<Kernel> p = prefill.kernels(), d = decode.kernels();
      Kernel[] all = new Kernel[p.size() + steps * d.size()];
      int i = 0;
      for (Kernel k : p) all[i++] = k;
      for (int s = 0; s < steps; s++) for (Kernel k : d) all[i++] = k;
      r = List.of(all);
      requests.put(key, r);
      return r;
    }
  }

  /**
   * The trace of {@code name} of {@code kind} at {@code batchSize}: 0 = the paper's shape (or the
   * only trace); else the one measured at that batch size.
   */
  public ZooModel select(String kind, String name, int batchSize) {
    List<Entry> c = entries.values().stream().filter(e -> e.kind().equals(kind) && e.name().equals(name)).toList();
    if (c.isEmpty()) {
      List<String> known = entries.values().stream().filter(e -> e.kind().equals(kind)).map(Entry::name).distinct().sorted().toList();
      throw new IllegalArgumentException("no " + kind + " model '" + name + "' in " + where + " (known: " + known
          + (kind.equals("inference") && !llmNames().isEmpty() ? ", and the whole LLM requests " + llmNames() : "") + ")");
    }
    Entry pick = null;
    if (batchSize == 0) {
      pick = c.size() == 1 ? c.get(0) : c.stream().filter(Entry::paperShape).findFirst().orElse(null);
    } else {
      List<Entry> atBatch = c.stream().filter(e -> e.batch() == batchSize).toList();
      pick = atBatch.stream().filter(Entry::paperShape).findFirst().orElse(atBatch.isEmpty() ? null : atBatch.get(0));
    }
    if (pick == null) {
      throw new IllegalArgumentException(kind + " model '" + name + "' has traces at batch size"
          + (c.size() == 1 ? " " : "s ") + c.stream().map(Entry::batch).sorted().distinct().toList() + " (datasets/traces); "
          + (batchSize == 0 ? "none is marked as the paper's shape" : "batch size " + batchSize + " has none"));
    }
    return get(pick.id());
  }

  /** Ids ({@code inference-resnet50-b1}, ...) of the traces in this zoo. */
  public List<String> ids() { return List.copyOf(entries.keySet()); }

  /** The index.json line of trace {@code id}. */
  public Entry entry(String id) {
    Entry e = entries.get(id);
    if (e == null) throw new IllegalArgumentException("no trace '" + id + "' in " + where + " (known: " + entries.keySet() + ")");
    return e;
  }

  /** The model {@code kind-name} at the paper's shape, e.g. {@code model("training", "vgg19")}. */
  public ZooModel model(String kind, String name) {
    if (kind.equals("inference") && isLlm(name)) return select(kind, name + "-prefill", 0);
    return select(kind, name, 0);
  }

  public synchronized ZooModel get(String id) {
    ZooModel m = models.get(id);
    if (m != null) return m;
    Entry e = entry(id);
    try (InputStream raw = loader.open(e.file())) {
      if (raw == null) throw new IOException(where + ": index.json lists " + e.file() + " but it is missing");
      m = new ZooModel(ModelTrace.read(new GZIPInputStream(raw), where + "/" + e.file()), fitGpu(e.gpu()),
          name -> prior(e.gpu(), name));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    models.put(id, m);
    return m;
  }

  /**
   * Median fitted (compute share, memory share) of the kernels of this name whose scaling was
   * measured, over the models measured on the same GPU; null if none was. The prior for kernels
   * measured only on the whole GPU.
   */
  double[] prior(String gpuId, String kernelName) {
    Map<String, Map<String, double[]>> p = priors;
    if (p == null) {
      synchronized (this) {
        if (priors == null) priors = buildPriors();
        p = priors;
      }
    }
    return p.getOrDefault(gpuId, Map.of()).get(kernelName);
  }

  private Map<String, Map<String, double[]>> buildPriors() {
    Map<String, Map<String, List<double[]>>> shares = new HashMap<>();
    for (Entry e : entries.values()) {
      ZooModel m = get(e.id());
      for (ZooModel.Fitted f : m.fittedMeasuredOnly()) {
        shares.computeIfAbsent(e.gpu(), k -> new HashMap<>()).computeIfAbsent(f.record().name(), k -> new ArrayList<>())
            .add(new double[] {f.fit().computeShare(), f.fit().memoryShare()});
      }
    }
    Map<String, Map<String, double[]>> out = new HashMap<>();
    shares.forEach((gpu, byName) -> {
      Map<String, double[]> o = new HashMap<>();
      byName.forEach((name, list) -> o.put(name, new double[] {
          median(list.stream().mapToDouble(x -> x[0]).toArray()), median(list.stream().mapToDouble(x -> x[1]).toArray())}));
      out.put(gpu, o);
    });
    return out;
  }

  /**
   * One row per model, for notebooks: kernel count, measured kernel time per request/iteration,
   * the modeled time for it on the GPU it was measured on (sum of ideal latencies on all TPCs) and their difference,
   * the share of kernel time in kernels that saturate early (within 10% of the whole-GPU latency
   * on half of the SMs), how much of the time had measured scaling, the fit's error, the share of
   * time in kernels whose grid is sized to the GPU's SM count, and the modeled/measured aggregate
   * on 128, 64 and 8 SMs.
   */
  public Table summary() {
    StringColumn id = StringColumn.create("id");
    StringColumn kind = StringColumn.create("kind");
    StringColumn model = StringColumn.create("model");
    StringColumn measuredOn = StringColumn.create("gpu");
    IntColumn batch = IntColumn.create("batch");
    IntColumn kernels = IntColumn.create("kernels");
    DoubleColumn ms = DoubleColumn.create("kernel_ms");
    DoubleColumn modeled = DoubleColumn.create("modeled_ms");
    DoubleColumn errPct = DoubleColumn.create("modeled_error_pct");
    DoubleColumn early = DoubleColumn.create("early_saturating_share");
    DoubleColumn medianUs = DoubleColumn.create("median_kernel_us");
    DoubleColumn measured = DoubleColumn.create("measured_scaling_share");
    DoubleColumn fitErr = DoubleColumn.create("fit_rms_log_error");
    DoubleColumn sized = DoubleColumn.create("grid_sized_to_gpu_share");
    DoubleColumn at128 = DoubleColumn.create("modeled_over_measured_sm128");
    DoubleColumn at64 = DoubleColumn.create("modeled_over_measured_sm64");
    DoubleColumn at8 = DoubleColumn.create("modeled_over_measured_sm8");
    DoubleColumn span = DoubleColumn.create("request_span_ms");
    DoubleColumn host = DoubleColumn.create("host_wall_ms");
    DoubleColumn hostLaunch = DoubleColumn.create("host_launch_us_per_kernel");
    for (String i : ids()) {
      ZooModel m = get(i);
      id.append(i);
      kind.append(m.kind());
      model.append(m.model());
      measuredOn.append(m.gpu().id());
      batch.append(m.batchSize());
      kernels.append(m.records().size());
      double measuredMs = m.measuredKernelMs();
      double modeledMs = m.modeledKernelMs(m.gpu(), m.gpu().tpcCount());
      ms.append(measuredMs);
      modeled.append(modeledMs);
      errPct.append(100 * (modeledMs - measuredMs) / measuredMs);
      early.append(m.earlySaturatingShare(0.10));
      medianUs.append(median(m.records().stream().mapToDouble(r -> r.durationUs()).toArray()));
      measured.append(m.measuredScalingShare());
      fitErr.append(m.fitRmsLogError());
      sized.append(m.gridSizedToGpuShare());
      at128.append(m.modeledOverMeasuredAt(128));
      at64.append(m.modeledOverMeasuredAt(64));
      at8.append(m.modeledOverMeasuredAt(8));
      span.append(m.requestSpanMs());
      host.append(m.hostWallMs());
      hostLaunch.append(m.hostLaunchUsPerKernel());
    }
    return Table.create("model zoo (each trace fitted to the GPU it was measured on)", id, kind, model, measuredOn, batch, kernels, ms, modeled, errPct, early,
        medianUs, measured, fitErr, sized, at128, at64, at8, span, host, hostLaunch);
  }
}
