package io.lithosj.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.experiment.ScenarioException;
import io.lithosj.experiment.ScenarioLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A sweep file:
 * <pre>{@code
 * { "name": "atom-x-load",
 *   "base": "../scenarios/lithos-stacking.json",      // a path (relative to this file) or an inline scenario
 *   "policies": ["mps", "lithos"],                      // absent: the base scenario's policy
 *   "axes": [
 *     { "path": "tenants[0].load", "values": [0.2, 0.5] },
 *     { "path": "perPolicy.lithos.atomUs", "values": [250, 500], "onlyFor": ["lithos"] },
 *     { "path": "seed", "values": [1, 2, 3] } ] }
 * }</pre>
 * The points are every policy times every combination of axis values (first axis outermost). An
 * axis with {@code onlyFor} multiplies only those policies' points; the others leave the field as
 * the base has it and show an empty key.
 *
 * @param base the base scenario as a JSON object (a file named by {@code base} is read here)
 */
public record SweepSpec(String name, ObjectNode base, List<String> policies, List<Axis> axes) {

  /** Points in one sweep, far above any study here; keeps a typo ({@code values} of a million) from exhausting memory. */
  public static final int MAX_POINTS = 100_000;

  /** An axis: a scenario field by path, its values, and optionally the policies it applies to (null = all). */
  public record Axis(String path, List<JsonNode> values, List<String> onlyFor) {
    public boolean appliesTo(String policy) { return onlyFor == null || onlyFor.contains(policy); }
  }

  /** Strict as scenarios are read: a duplicate key or text after the object is an error, not a silent choice. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final Set<String> FIELDS = Set.of("name", "base", "policies", "axes");
  private static final Set<String> AXIS_FIELDS = Set.of("path", "values", "onlyFor");

  /** Reads a sweep file; a bad field is an error naming the file and the field. */
  public static SweepSpec load(Path file) {
    String text = read(file, "sweep");
    try {
      return parse(text, file.toAbsolutePath().getParent(), file.getFileName().toString().replaceFirst("\\.json$", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /** A sweep or fleet file holds a scenario and a few lists: the scenario's own limit is ample. */
  public static final int MAX_FILE_BYTES = ScenarioLoader.MAX_FILE_BYTES;

  /**
   * The text of a sweep or fleet file ({@code what}), at most {@link #MAX_FILE_BYTES}: reading stops one
   * byte past the limit, so {@code /dev/zero} or a pipe cannot fill the memory.
   */
  public static String read(Path file, String what) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such " + what + " file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB, the limit for a " + what + " file");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** JSON text as a tree, read strictly; malformed text is an error with its line. */
  public static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new IllegalArgumentException("malformed JSON" + at + ": " + e.getOriginalMessage());
    }
  }

  /** Parses sweep JSON; a {@code base} path is read relative to {@code dir}; {@code defaultName} when the file has none. */
  public static SweepSpec parse(String text, Path dir, String defaultName) {
    JsonNode root = parseJson(text);
    if (root == null || !root.isObject()) throw new IllegalArgumentException("a sweep is a JSON object");
    unknown(root, FIELDS, "");
    String name = root.hasNonNull("name") ? text(root.get("name"), "name") : defaultName;
    ObjectNode base = base(root.get("base"), dir);
    List<String> policies = new ArrayList<>();
    if (root.hasNonNull("policies")) {
      policies = strings(root.get("policies"), "policies");
      if (policies.isEmpty()) throw new IllegalArgumentException("policies: empty list (leave it out for the base's policy)");
    } else {
      JsonNode p = base.path("policy").path("name");
      policies.add(p.isTextual() ? p.asText() : "mps");
    }
    List<Axis> axes = new ArrayList<>();
    JsonNode a = root.get("axes");
    if (a != null && !a.isNull()) {
      if (!a.isArray()) throw new IllegalArgumentException("axes: must be a list");
      for (int i = 0; i < a.size(); i++) axes.add(axis(a.get(i), "axes[" + i + "]", policies));
    }
    return new SweepSpec(name, base, List.copyOf(policies), List.copyOf(axes));
  }

  private static ObjectNode base(JsonNode b, Path dir) {
    if (b == null || b.isNull()) throw new IllegalArgumentException("base: missing (a scenario file path or an inline scenario)");
    if (b.isObject()) return (ObjectNode) b;
    if (!b.isTextual()) throw new IllegalArgumentException("base: must be a scenario file path or an object");
    Path f = dir == null ? Path.of(b.asText()) : dir.resolve(b.asText());
    try {
      // loaded (and checked) as a scenario, then taken back to JSON: a YAML base works too, and its name is kept
      return (ObjectNode) JSON.readTree(ScenarioLoader.toJson(ScenarioLoader.load(f)));
    } catch (ScenarioException e) {
      throw new IllegalArgumentException("base: " + f + ": " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Axis axis(JsonNode n, String at, List<String> policies) {
    if (n == null || !n.isObject()) throw new IllegalArgumentException(at + ": must be an object with path and values");
    unknown(n, AXIS_FIELDS, at + ".");
    if (!n.hasNonNull("path")) throw new IllegalArgumentException(at + ".path: missing");
    String path = text(n.get("path"), at + ".path");
    try {
      JsonPath.parse(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ".path: " + e.getMessage());
    }
    JsonNode v = n.get("values");
    if (v == null || !v.isArray() || v.isEmpty()) throw new IllegalArgumentException(at + ".values: must be a non-empty list");
    List<JsonNode> values = new ArrayList<>();
    v.forEach(values::add);
    List<String> only = null;
    if (n.hasNonNull("onlyFor")) {
      only = strings(n.get("onlyFor"), at + ".onlyFor");
      for (String p : only) {
        if (!policies.contains(p)) throw new IllegalArgumentException(at + ".onlyFor: '" + p + "' is not one of the sweep's policies " + policies);
      }
    }
    return new Axis(path, List.copyOf(values), only == null ? null : List.copyOf(only));
  }

  private static void unknown(JsonNode n, Set<String> known, String at) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) throw new IllegalArgumentException(at + f + ": unknown field (known: " + known.stream().sorted().toList() + ")");
    }
  }

  private static String text(JsonNode n, String at) {
    if (!n.isTextual() || n.asText().isBlank()) throw new IllegalArgumentException(at + ": must be a non-empty string");
    return n.asText();
  }

  private static List<String> strings(JsonNode n, String at) {
    if (!n.isArray()) throw new IllegalArgumentException(at + ": must be a list of strings");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) out.add(text(n.get(i), at + "[" + i + "]"));
    return out;
  }

  /** Column names of the axes in the result table (the paths). */
  public List<String> axisNames() { return axes.stream().map(Axis::path).toList(); }
}
