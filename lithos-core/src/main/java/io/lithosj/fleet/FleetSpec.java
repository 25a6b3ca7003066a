package io.lithosj.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.os.Policies;
import io.lithosj.sweep.SweepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A fleet file: the GPU and run settings every simulated stack shares, the policies to compare,
 * and the tenants in counts.
 * <pre>{@code
 * { "name": "paper-fleet", "gpu": "a100-40gb", "durationMs": 1000, "warmupMs": 200, "drainMs": 200, "seed": 1,
 *   "policies": ["mps", "mig", "lithos"], "perPolicy": { "mig": { "splitByTpcQuota": true } },
 *   "sloTarget": 0.99, "capacity": 1.0, "maxBePerGpu": 1,
 *   "services": [ { "model": "resnet50", "batchSize": 1, "load": 0.2, "sloMs": 15, "count": 4 } ],
 *   "training": [ { "model": "vgg19", "batchSize": 120, "count": 1 } ] }
 * }</pre>
 * A service or training entry is a scenario tenant (any of its fields: {@code model}, {@code kernels},
 * {@code load} or {@code ratePerSec}, {@code launch}...) plus {@code count}; {@code name} defaults to
 * the model's. Services are HP inference with an SLO; training jobs are BE.
 *
 * @param sloTarget   a service meets its SLO when this share of its requests finish within it
 * @param capacity    the sum of solo TPC utilisations of a GPU's services may not pass this when packing
 * @param maxBePerGpu training jobs a GPU may hold (they fill what the services leave idle)
 */
public record FleetSpec(String name, ObjectNode run, List<String> policies, double sloTarget, double capacity,
                        int maxBePerGpu, List<ObjectNode> services, List<ObjectNode> training) {

  /** Tenants in one fleet: each is a solo run and part of a stack; far above any study here. */
  public static final int MAX_TENANTS = 4096;

  /** Fields copied into every stack's scenario as they are. */
  static final Set<String> RUN_FIELDS = Set.of("gpu", "durationMs", "warmupMs", "drainMs", "seed", "perPolicy", "dispatch");
  private static final Set<String> FIELDS = Set.of("name", "policies", "sloTarget", "capacity", "maxBePerGpu", "services", "training",
      "gpu", "durationMs", "warmupMs", "drainMs", "seed", "perPolicy", "dispatch");

  public static FleetSpec load(Path file) {
    String text = SweepSpec.read(file, "fleet");
    try {
      return parse(text, file.getFileName().toString().replaceFirst("\\.json$", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  public static FleetSpec parse(String text, String defaultName) {
    JsonNode root = SweepSpec.parseJson(text);
    if (root == null || !root.isObject()) throw new IllegalArgumentException("a fleet is a JSON object");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw new IllegalArgumentException(f + ": unknown field (known: " + FIELDS.stream().sorted().toList() + ")");
    }
    String name = root.hasNonNull("name") ? root.get("name").asText() : defaultName;
    ObjectNode run = JsonNodeFactory.instance.objectNode();
    for (String f : RUN_FIELDS) if (root.has(f)) run.set(f, root.get(f));
    List<String> policies = new ArrayList<>();
    JsonNode p = root.get("policies");
    if (p == null || !p.isArray() || p.isEmpty()) throw new IllegalArgumentException("policies: must be a non-empty list of policy names");
    for (int i = 0; i < p.size(); i++) {
      String n = p.get(i).asText();
      if (!Policies.names().contains(n)) throw new IllegalArgumentException("policies[" + i + "]: unknown policy '" + n + "' (known: " + Policies.names() + ")");
      policies.add(n);
    }
    double slo = number(root, "sloTarget", 0.99);
    if (!(slo > 0 && slo <= 1)) throw new IllegalArgumentException("sloTarget: must be in (0, 1], was " + slo);
    double cap = number(root, "capacity", 1.0);
    if (!(cap > 0 && cap <= 1)) throw new IllegalArgumentException("capacity: must be in (0, 1], was " + cap);
    double maxBe = number(root, "maxBePerGpu", 1);
    if (maxBe != Math.rint(maxBe) || maxBe < 0 || maxBe > 64) throw new IllegalArgumentException("maxBePerGpu: must be a whole number 0..64, was " + maxBe);
    List<ObjectNode> services = entries(root.get("services"), "services", "", List.of());
    List<ObjectNode> training = entries(root.get("training"), "training", "-train", services);
    if (services.isEmpty()) throw new IllegalArgumentException("services: at least one service is needed");
    if (!training.isEmpty() && maxBe == 0) throw new IllegalArgumentException("maxBePerGpu: 0 leaves no room for the training jobs");
    long total = 0;
    for (ObjectNode e : services) total += e.get("count").asLong();
    for (ObjectNode e : training) total += e.get("count").asLong();
    if (total > MAX_TENANTS) throw new IllegalArgumentException("services, training: " + total + " tenants, at most " + MAX_TENANTS);
    return new FleetSpec(name, run, List.copyOf(policies), slo, cap, (int) maxBe, services, training);
  }

  private static List<ObjectNode> concat(List<ObjectNode> a, List<ObjectNode> b) {
    List<ObjectNode> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static double number(JsonNode root, String f, double dflt) {
    JsonNode n = root.get(f);
    if (n == null || n.isNull()) return dflt;
    if (!n.isNumber()) throw new IllegalArgumentException(f + ": must be a number");
    return n.asDouble();
  }

  /**
   * Entries with a whole {@code count} >= 1 and a name (the model's plus {@code suffix} when absent),
   * distinct from each other and from {@code taken}'s.
   */
  private static List<ObjectNode> entries(JsonNode list, String at, String suffix, List<ObjectNode> taken) {
    List<ObjectNode> out = new ArrayList<>();
    if (list == null || list.isNull()) return out;
    if (!list.isArray()) throw new IllegalArgumentException(at + ": must be a list");
    for (int i = 0; i < list.size(); i++) {
      String where = at + "[" + i + "]";
      if (!list.get(i).isObject()) throw new IllegalArgumentException(where + ": must be an object");
      ObjectNode e = list.get(i).deepCopy();
      JsonNode c = e.get("count");
      if (c == null || !c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < 1) {
        throw new IllegalArgumentException(where + ".count: must be a whole number >= 1");
      }
      if (!e.hasNonNull("name")) {
        if (!e.hasNonNull("model")) throw new IllegalArgumentException(where + ".name: missing (and no model to name it after)");
        e.put("name", e.get("model").asText() + suffix);
      }
      if (!e.get("name").isTextual() || !e.get("name").asText().matches("[A-Za-z0-9._+-]+")) {
        throw new IllegalArgumentException(where + ".name: must be letters, digits and . _ + - only (it names tenants and files)");
      }
      if (e.get("name").asText().matches(".*-[0-9]+")) {
        // tenants are named <entry>-<n>; an entry named like one would be taken for it
        throw new IllegalArgumentException(where + ".name: '" + e.get("name").asText() + "' ends in -<number>, which tenant names use");
      }
      for (ObjectNode o : concat(taken, out)) {
        if (o.get("name").asText().equals(e.get("name").asText())) {
          throw new IllegalArgumentException(where + ".name: '" + e.get("name").asText() + "' is used twice; name one of them");
        }
      }
      for (String forbidden : List.of("priority", "type", "tpcQuota")) {
        if (e.has(forbidden)) throw new IllegalArgumentException(where + "." + forbidden + ": set by the study (services are HP inference, training BE), leave it out");
      }
      out.add(e);
    }
    return out;
  }
}
