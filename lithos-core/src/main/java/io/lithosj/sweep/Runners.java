package io.lithosj.sweep;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner a notebook asks for by name: {@code "in-process"} (or null) runs on this JVM's cores;
 * anything else is a Spark master URL ({@code local[*]}, {@code spark://host:7077}) and needs the
 * lithos-spark jar and its libraries on the class path (they are not in the notebook jar). A
 * Spark session is started once per master and kept for the rest of the JVM, as a notebook's
 * kernel would want.
 */
public final class Runners {
  private Runners() {}

  public static final String IN_PROCESS = "in-process";
  private static final Map<String, PointRunner> SPARK = new ConcurrentHashMap<>();

  public static PointRunner of(String master) {
    if (master == null || master.equals(IN_PROCESS)) return new LocalRunner();
    return SPARK.computeIfAbsent(master, Runners::spark);
  }

  private static PointRunner spark(String master) {
    Class<?> c;
    try {
      c = Class.forName("io.lithosj.spark.SparkRunner");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("master '" + master + "' needs Spark: put lithos-spark/target/lithos-spark.jar and "
          + "lithos-spark/target/lib/* on the class path (mvn -pl lithos-spark -am package), or use \"" + IN_PROCESS + "\"");
    }
    try {
      return (PointRunner) c.getMethod("start", String.class).invoke(null, master);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start Spark on '" + master + "': " + e);
    }
  }
}
