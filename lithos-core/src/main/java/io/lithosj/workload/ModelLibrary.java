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
  /** The kernels of one request or iteration of a named model. */
  @FunctionalInterface
  public interface Source {
    /**
     * @param type        inference or training
     * @param batchSize   0 = the model's default shape
     * @param decodeSteps decode steps of a whole LLM request; null = the default (and required null for other models)
     */
    List<Kernel> kernels(String type, int batchSize, Integer decodeSteps);
  }

  private static final Map<String, Source> MODELS = new TreeMap<>();
  /** (type, batchSize) → eager host time per kernel measured with the model's trace, µs (NaN if none). */
  private static final Map<String, BiFunction<String, Integer, Double>> HOST_LAUNCH = new TreeMap<>();

  private ModelLibrary() {}

  public static synchronized void register(String model, Source source) {
    MODELS.put(model, source);
  }

  /** A source with no LLM request length: {@code decodeSteps} is refused. */
  public static synchronized void register(String model, BiFunction<String, Integer, List<Kernel>> source) {
    MODELS.put(model, (type, batch, steps) -> {
      if (steps != null) throw new IllegalArgumentException("decodeSteps does not apply to model '" + model + "'");
      return source.apply(type, batch);
    });
  }

  public static List<Kernel> kernels(String model, String type, int batchSize) {
    return kernels(model, type, batchSize, null);
  }

  public static List<Kernel> kernels(String model, String type, int batchSize, Integer decodeSteps) {
    Source src;
    synchronized (ModelLibrary.class) {
      loadDefaults();
      src = MODELS.get(model);
      if (src == null) throw new IllegalArgumentException("unknown model '" + model + "' (known: " + MODELS.keySet() + ")");
    }
    return src.kernels(type, batchSize, decodeSteps);
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
