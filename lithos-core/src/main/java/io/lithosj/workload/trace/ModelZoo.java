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
 * The models of the LithOS paper as measured kernel traces (datasets/traces, measured on an H100):
 * {@code ModelZoo.inference("resnet50")}, {@code ModelZoo.training("vgg19")}, each a
 * {@link ZooModel} that builds a {@code Workload} or {@code TenantSpec}.
 *
 * <p>The data is read from the folder named by the system property {@code lithosj.traces} (or the
 * environment variable {@code LITHOSJ_TRACES}) if set, else from the classpath (the jar carries
 * datasets/traces), else from {@code datasets/traces} in the working folder or one above it.
 */
public final class ModelZoo {
  static final String RESOURCES = "/io/lithosj/datasets/traces/";

  private static volatile ModelZoo defaultZoo;

  private final String where;
  private final Loader loader;
  private final GpuSpec gpu;
  private final Map<String, String> files = new LinkedHashMap<>();
  private final Map<String, ZooModel> models = new HashMap<>();
  private volatile Map<String, double[]> priors;

  @FunctionalInterface
  private interface Loader {
    InputStream open(String file) throws IOException;
  }

  private ModelZoo(String where, Loader loader, GpuSpec gpu) throws IOException {
    this.where = where;
    this.loader = loader;
    this.gpu = gpu;
    try (InputStream in = loader.open("index.json")) {
      if (in == null) throw new IOException("no index.json in " + where);
      for (JsonNode e : new ObjectMapper().readTree(in)) files.put(e.path("id").asText(), e.path("file").asText());
    }
  }

  /** A zoo read from a dataset folder (index.json and the per-model .csv.gz files). */
  public static ModelZoo fromDirectory(Path dir) {
    try {
      return new ModelZoo(dir.toString(), f -> Files.exists(dir.resolve(f)) ? Files.newInputStream(dir.resolve(f)) : null,
          ZooModel.MEASURED_ON);
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
        return new ModelZoo("classpath:" + RESOURCES, f -> ModelZoo.class.getResourceAsStream(RESOURCES + f), ZooModel.MEASURED_ON);
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
   * The same traces fitted to another model of the H100 (e.g. recalibrated bandwidths:
   * {@code zoo.fittedTo(GpuSpec.H100_SXM.withSmBandwidthGBps(75))}); it must have 132 SMs.
   */
  public ModelZoo fittedTo(GpuSpec measuredGpu) {
    try {
      return new ModelZoo(where, loader, measuredGpu);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ZooModel inference(String name) { return defaultZoo().model("inference", name); }

  public static ZooModel training(String name) { return defaultZoo().model("training", name); }

  /** One row per model: see {@link #summary()}. */
  public static Table summaryTable() { return defaultZoo().summary(); }

  /**
   * Registers the default zoo's models with {@link ModelLibrary} by name ({@code resnet50},
   * {@code llama3-8b-decode}, ...), so scenarios can say {@code "model": "resnet50"}: the type
   * (inference/training) picks the trace, and the batch size must be the one it was measured at.
   */
  public static void registerAll() {
    ModelZoo z = defaultZoo();
    for (String id : z.ids()) {
      String name = id.substring(id.indexOf('-') + 1);
      ModelLibrary.register(name, (type, batch) -> z.kernels(name, type, batch));
      ModelLibrary.registerHostLaunch(name, (type, batch) -> z.model(type, name).hostLaunchUsPerKernel());
    }
  }

  /**
   * The kernels of model {@code name} of kind {@code type}, which must have been measured at
   * {@code batchSize}; 0 = the batch size it was measured at.
   */
  public List<Kernel> kernels(String name, String type, int batchSize) {
    ZooModel m = model(type, name);
    if (batchSize != 0 && batchSize != m.batchSize()) {
      throw new IllegalArgumentException(type + " model '" + name + "' was measured at batch size " + m.batchSize()
          + " (datasets/traces); batch size " + batchSize + " has no trace");
    }
    return m.kernels();
  }

  /** Ids ({@code inference-resnet50}, ...) of the models in this zoo. */
  public List<String> ids() { return List.copyOf(files.keySet()); }

  /** The model {@code kind-name}, e.g. {@code model("training", "vgg19")}. */
  public ZooModel model(String kind, String name) {
    String id = kind + "-" + name;
    if (!files.containsKey(id)) {
      List<String> known = files.keySet().stream().filter(i -> i.startsWith(kind + "-"))
          .map(i -> i.substring(kind.length() + 1)).toList();
      throw new IllegalArgumentException("no " + kind + " trace '" + name + "' in " + where + " (known: " + known + ")");
    }
    return get(id);
  }

  public synchronized ZooModel get(String id) {
    ZooModel m = models.get(id);
    if (m != null) return m;
    String file = files.get(id);
    if (file == null) throw new IllegalArgumentException("no trace '" + id + "' in " + where + " (known: " + files.keySet() + ")");
    try (InputStream raw = loader.open(file)) {
      if (raw == null) throw new IOException(where + ": index.json lists " + file + " but it is missing");
      m = new ZooModel(ModelTrace.read(new GZIPInputStream(raw), where + "/" + file), gpu, this::prior);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    models.put(id, m);
    return m;
  }

  /**
   * Median fitted (compute share, memory share) of the kernels of this name whose scaling was
   * measured, over all models; null if none was. The prior for kernels measured only on the whole GPU.
   */
  double[] prior(String kernelName) {
    Map<String, double[]> p = priors;
    if (p == null) {
      synchronized (this) {
        if (priors == null) priors = buildPriors();
        p = priors;
      }
    }
    return p.get(kernelName);
  }

  private Map<String, double[]> buildPriors() {
    Map<String, List<double[]>> shares = new HashMap<>();
    for (String id : files.keySet()) {
      ZooModel m = get(id);
      for (ZooModel.Fitted f : m.fittedMeasuredOnly()) {
        shares.computeIfAbsent(f.record().name(), k -> new ArrayList<>())
            .add(new double[] {f.fit().computeShare(), f.fit().memoryShare()});
      }
    }
    Map<String, double[]> out = new HashMap<>();
    shares.forEach((name, list) -> out.put(name, new double[] {
        median(list.stream().mapToDouble(x -> x[0]).toArray()), median(list.stream().mapToDouble(x -> x[1]).toArray())}));
    return out;
  }

  /**
   * One row per model, for notebooks: kernel count, measured kernel time per request/iteration,
   * the modeled H100's time for it (sum of ideal latencies on all 66 TPCs) and their difference,
   * the share of kernel time in kernels that saturate early (within 10% of the whole-GPU latency
   * on half of the SMs), how much of the time had measured scaling, the fit's error, the share of
   * time in kernels whose grid is sized to the GPU's SM count, and the modeled/measured aggregate
   * on 128, 64 and 8 SMs.
   */
  public Table summary() {
    StringColumn id = StringColumn.create("id");
    StringColumn kind = StringColumn.create("kind");
    StringColumn model = StringColumn.create("model");
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
      batch.append(m.batchSize());
      kernels.append(m.records().size());
      double measuredMs = m.measuredKernelMs();
      double modeledMs = m.modeledKernelMs(gpu, gpu.tpcCount());
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
    return Table.create("model zoo (" + gpu.id() + ")", id, kind, model, batch, kernels, ms, modeled, errPct, early,
        medianUs, measured, fitErr, sized, at128, at64, at8, span, host, hostLaunch);
  }
}
