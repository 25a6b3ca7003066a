package io.lithosj.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioException;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep expanded into its points, each checked as a whole scenario before anything runs (so a
 * bad value fails here, naming its point, and not on an executor an hour in).
 */
public record SweepPlan(String name, List<String> axisNames, List<SweepPoint> points) {

  public static SweepPlan of(SweepSpec spec) {
    long count = 0;
    for (String p : spec.policies()) {
      long n = 1;
      for (SweepSpec.Axis a : spec.axes()) n *= a.appliesTo(p) ? a.values().size() : 1;
      count += n;
    }
    if (count > SweepSpec.MAX_POINTS) {
      throw new IllegalArgumentException("sweep '" + spec.name() + "' has " + count + " points, at most " + SweepSpec.MAX_POINTS + " are supported");
    }
    List<JsonPath> paths = spec.axes().stream().map(a -> JsonPath.parse(a.path())).toList();
    List<SweepPoint> points = new ArrayList<>();
    for (String policy : spec.policies()) {
      if (!Policies.names().contains(policy)) {
        throw new IllegalArgumentException("policies: unknown policy '" + policy + "' (known: " + Policies.names() + ")");
      }
      expand(spec, paths, policy, 0, new ArrayList<>(), withPolicy(spec.base(), policy), points);
    }
    return new SweepPlan(spec.name(), spec.axisNames(), List.copyOf(points));
  }

  private static ObjectNode withPolicy(ObjectNode base, String policy) {
    ObjectNode s = base.deepCopy();
    JsonNode p = s.get("policy");
    // the base's own policy.params belong to the base's policy; another policy starts from its defaults (plus perPolicy)
    boolean same = p != null && p.path("name").asText("").equals(policy);
    ObjectNode np = same ? (ObjectNode) p : s.putObject("policy");
    np.put("name", policy);
    return s;
  }

  private static void expand(SweepSpec spec, List<JsonPath> paths, String policy, int axis, List<String> key,
                             ObjectNode scenario, List<SweepPoint> out) {
    if (axis == spec.axes().size()) {
      String json = scenario.toString();
      check(json, policy, key, spec.axisNames(), out.size());
      out.add(new SweepPoint(out.size(), policy, List.copyOf(key), json));
      return;
    }
    SweepSpec.Axis a = spec.axes().get(axis);
    if (!a.appliesTo(policy)) {
      key.add("");
      expand(spec, paths, policy, axis + 1, key, scenario, out);
      key.remove(key.size() - 1);
      return;
    }
    for (int i = 0; i < a.values().size(); i++) {
      ObjectNode s = scenario.deepCopy();
      try {
        paths.get(axis).set(s, a.values().get(i).deepCopy());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("axes[" + axis + "].values[" + i + "]: " + e.getMessage());
      }
      JsonNode v = a.values().get(i);
      key.add(v.isTextual() ? v.asText() : v.toString());
      expand(spec, paths, policy, axis + 1, key, s, out);
      key.remove(key.size() - 1);
    }
  }

  private static void check(String json, String policy, List<String> key, List<String> axes, int index) {
    try {
      Scenario s = ScenarioLoader.parse(json, false);
      s.tenantSpecs();
      Policies.create(s.policyName(), s.policyParams());
    } catch (ScenarioException | Policies.PolicyConfigException e) {
      StringBuilder at = new StringBuilder("point " + index + " (policy=" + policy);
      for (int i = 0; i < axes.size(); i++) at.append(", ").append(axes.get(i)).append('=').append(key.get(i));
      throw new IllegalArgumentException(at + "): " + e.getMessage());
    }
  }

  /** Simulated seconds of all points together (each point's durationMs), for throughput figures. */
  public double simulatedSeconds() {
    return points.stream().mapToDouble(p -> p.scenario().durationMsOrDefault()).sum() / 1000.0;
  }
}
