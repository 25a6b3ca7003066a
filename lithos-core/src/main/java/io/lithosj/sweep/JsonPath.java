package io.lithosj.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field of a scenario by its path as the scenario errors name it: {@code seed},
 * {@code tenants[1].load}, {@code perPolicy.lithos.atomUs}. Setting creates missing objects (so a
 * policy parameter that the base leaves at its default can be swept) but never list entries: an
 * index past a list's end is an error naming the path.
 */
public final class JsonPath {
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)((?:\\[\\d+])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  /** A step: an object field, or (when {@code field} is null) a list index. */
  private record Step(String field, int index) {}

  private final String text;
  private final List<Step> steps;

  private JsonPath(String text, List<Step> steps) {
    this.text = text;
    this.steps = steps;
  }

  public static JsonPath parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("empty path");
    List<Step> steps = new ArrayList<>();
    for (String seg : text.split("\\.", -1)) {
      Matcher m = SEGMENT.matcher(seg);
      if (!m.matches()) {
        throw new IllegalArgumentException("path '" + text + "': '" + seg + "' is not a field name with optional [index]");
      }
      steps.add(new Step(m.group(1), -1));
      Matcher i = INDEX.matcher(m.group(2));
      while (i.find()) steps.add(new Step(null, Integer.parseInt(i.group(1))));
    }
    return new JsonPath(text, List.copyOf(steps));
  }

  /** Sets the value at this path in {@code root} (changed in place). */
  public void set(ObjectNode root, JsonNode value) {
    JsonNode at = root;
    for (int k = 0; k < steps.size(); k++) {
      Step s = steps.get(k);
      boolean last = k == steps.size() - 1;
      Step next = last ? null : steps.get(k + 1);
      if (s.field() != null) {
        if (!(at instanceof ObjectNode o)) throw new IllegalArgumentException("path '" + text + "': '" + s.field() + "' is not inside an object");
        if (last) {
          o.set(s.field(), value);
          return;
        }
        JsonNode child = o.get(s.field());
        if (child == null || child.isNull()) {
          if (next.field() == null) throw new IllegalArgumentException("path '" + text + "': no list '" + s.field() + "' in the base scenario");
          child = o.putObject(s.field());
        }
        at = child;
      } else {
        if (!(at instanceof ArrayNode a)) throw new IllegalArgumentException("path '" + text + "': [" + s.index() + "] is not on a list");
        if (s.index() >= a.size()) {
          throw new IllegalArgumentException("path '" + text + "': index " + s.index() + " is past the list's end (" + a.size() + " entries)");
        }
        if (last) {
          a.set(s.index(), value);
          return;
        }
        at = a.get(s.index());
      }
    }
  }

  @Override public String toString() { return text; }
}
