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

  private ModelLibrary() {}

  public static synchronized void register(String model, BiFunction<String, Integer, List<Kernel>> source) {
    MODELS.put(model, source);
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
