package io.lithosj.workload;

import io.lithosj.kernel.Kernel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Named kernel sequences that scenarios can refer to with {@code "model": "resnet50"}. Sources
 * (e.g. the measured model traces) register themselves; lookups name what is known when they fail.
 */
public final class ModelLibrary {
  /** (type: inference|training, batchSize) → the kernels of one request or iteration. */
  private static final Map<String, BiFunction<String, Integer, List<Kernel>>> MODELS = new TreeMap<>();
  /** (type, batchSize) → eager host time per kernel measured with the model's trace, µs (NaN if none). */
  private static final Map<String, BiFunction<String, Integer, Double>> HOST_LAUNCH = new TreeMap<>();

  private ModelLibrary() {}

  public static synchronized void register(String model, BiFunction<String, Integer, List<Kernel>> source) {
    MODELS.put(model, source);
  }

  /** Registers where the model's eager host cost per kernel comes from (see {@link #hostLaunchUs}). */
  public static synchronized void registerHostLaunch(String model, BiFunction<String, Integer, Double> source) {
    HOST_LAUNCH.put(model, source);
  }

  /**
   * The eager host time per kernel measured for this model (its trace), µs; NaN if none was
   * registered. Call after {@link #kernels} succeeded for the same arguments.
   */
  public static synchronized double hostLaunchUs(String model, String type, int batchSize) {
    loadDefaults();
    var src = HOST_LAUNCH.get(model);
    return src == null ? Double.NaN : src.apply(type, batchSize);
  }

  public static synchronized List<Kernel> kernels(String model, String type, int batchSize) {
    loadDefaults();
    var src = MODELS.get(model);
    if (src == null) throw new IllegalArgumentException("unknown model '" + model + "' (known: " + MODELS.keySet() + ")");
    return src.apply(type, batchSize);
  }

  public static synchronized List<String> names() {
    loadDefaults();
    return List.copyOf(MODELS.keySet());
  }

  private static boolean loaded;

  /** The trace-based model zoo registers itself when present on the class path. */
  private static void loadDefaults() {
    if (loaded) return;
    loaded = true;
    try {
      Class.forName("io.lithosj.workload.trace.ModelZoo").getMethod("registerAll").invoke(null);
    } catch (ClassNotFoundException e) {
      // no trace zoo in this build
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("model zoo failed to load: " + e.getCause(), e.getCause());
    }
  }
}
