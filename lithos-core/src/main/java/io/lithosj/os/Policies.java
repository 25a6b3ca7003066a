package io.lithosj.os;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry of policies by scenario name. Each policy has a parameter class: a plain class
 * whose public fields carry the defaults; a scenario's {@code policy.params} overrides them by
 * name (unknown names are an error naming the field).
 */
public final class Policies {
  private record Entry<P>(Class<P> paramsType, Function<P, Policy> factory, String summary) {}

  private static final Map<String, Entry<?>> REGISTRY = new LinkedHashMap<>();
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  static {
    // One line per policy; keep the order: classic mechanisms, research baselines, LithOS.
    register("time-slicing", io.lithosj.os.baseline.TimeSlicing.Params.class, io.lithosj.os.baseline.TimeSlicing::new,
        "one tenant owns the whole GPU per time slice");
    register("mps", io.lithosj.os.baseline.Mps.Params.class, io.lithosj.os.baseline.Mps::new,
        "all tenants concurrent on one hardware queue, optional SM share per client");
    register("priority", io.lithosj.os.baseline.StreamPriorities.Params.class, io.lithosj.os.baseline.StreamPriorities::new,
        "HP on a high-priority stream, BE low; no preemption of running blocks");
    register("mig", io.lithosj.os.baseline.Mig.Params.class, io.lithosj.os.baseline.Mig::new,
        "static GPC-granular instances with isolated memory bandwidth");
    register("tgs", io.lithosj.os.baseline.TgsParams.class, io.lithosj.os.baseline.Tgs::new,
        "TGS (NSDI '23): BE launch-rate control probing against the HP job's block throughput");
    register("orion", io.lithosj.os.baseline.OrionParams.class, io.lithosj.os.baseline.Orion::new,
        "Orion (EuroSys '24): BE kernels admitted beside HP only if SM need and roofline class fit");
    register("reef", io.lithosj.os.baseline.ReefParams.class, io.lithosj.os.baseline.Reef::new,
        "REEF (OSDI '22): reset-based preemption of BE kernels plus dynamic kernel padding");
    register("lithos", io.lithosj.os.lithos.LithosParams.class, io.lithosj.os.lithos.LithosPolicy::new,
        "LithOS: TPC quotas with stealing, kernel atomizer, latency predictor, right-sizer, power manager");
  }

  private Policies() {}

  public static <P> void register(String name, Class<P> paramsType, Function<P, Policy> factory, String summary) {
    REGISTRY.put(name, new Entry<>(paramsType, factory, summary));
  }

  public static List<String> names() { return List.copyOf(REGISTRY.keySet()); }

  public static String summary(String name) { return entry(name).summary(); }

  /** Build a policy from its name and scenario parameters (null or empty = defaults). */
  public static Policy create(String name, Map<String, Object> params) {
    return build(entry(name), name, params == null ? Map.of() : params);
  }

  /** The parameter object with defaults, for documentation and tables. */
  public static Object defaults(String name) {
    try {
      return entry(name).paramsType().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A parameter as {@code lithos policies} lists it: its scenario name, default, unit and
   * description ({@link Param}).
   */
  public record ParamInfo(String name, Object defaultValue, String unit, String description) {
    /** The default as written in a scenario, a fraction also as a percent: {@code 0.04 (4%)}. */
    public String defaultText() {
      String v = defaultValue instanceof Double x && Double.isFinite(x)
          ? java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString() // 0.00025, not 2.5E-4
          : defaultValue instanceof List<?> l && l.isEmpty() ? "[]" : String.valueOf(defaultValue);
      if (Param.FRACTION.equals(unit) && defaultValue instanceof Number n) {
        v += " (" + io.lithosj.report.Units.percent(n.doubleValue()) + ")";
      }
      return v;
    }
  }

  /** The policy's parameters in declaration order; a public field without {@link Param} is a bug this reports. */
  public static List<ParamInfo> parameters(String name) {
    Object d = defaults(name);
    List<ParamInfo> out = new java.util.ArrayList<>();
    for (java.lang.reflect.Field f : d.getClass().getFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
      Param p = f.getAnnotation(Param.class);
      if (p == null) throw new IllegalStateException(d.getClass().getName() + "." + f.getName() + " has no @Param");
      try {
        out.add(new ParamInfo(f.getName(), f.get(d), p.unit(), p.value()));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private static <P> Policy build(Entry<P> e, String name, Map<String, Object> params) {
    P p;
    try {
      p = MAPPER.convertValue(params, e.paramsType());
    } catch (IllegalArgumentException ex) {
      Throwable c = ex.getCause();
      if (c instanceof UnrecognizedPropertyException u) {
        throw new PolicyConfigException("policy.params." + u.getPropertyName(),
            "unknown parameter of policy '" + name + "' (known: " + u.getKnownPropertyIds() + ")");
      }
      throw new PolicyConfigException("policy.params", ex.getMessage());
    }
    try {
      return e.factory().apply(p);
    } catch (PolicyConfigException ex) {
      throw ex;
    } catch (IllegalArgumentException ex) {
      throw new PolicyConfigException("policy.params", ex.getMessage());
    }
  }

  private static Entry<?> entry(String name) {
    Entry<?> e = REGISTRY.get(name);
    if (e == null) {
      throw new PolicyConfigException("policy.name", "unknown policy '" + name + "'"
          + io.lithosj.report.Suggestions.didYouMean(name, names()) + " (known: " + String.join(", ", names()) + ")");
    }
    return e;
  }

  /** A bad policy name or parameter; {@code field} is the scenario path, e.g. {@code policy.params.sliceMs}. */
  public static final class PolicyConfigException extends IllegalArgumentException {
    private final String field;

    public PolicyConfigException(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() { return field; }
  }
}
