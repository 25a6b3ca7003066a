package io.lithosj.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The time slice and context-switch cost between two processes without MPS, as the harness's
 * probe measured them on the real GPU (validation/timeslice_probe.py: two one-thread kernels
 * reading %globaltimer; {@code processes_2.slice_us_median}, {@code switch_us_median}), turned into
 * the {@code time-slicing} policy's parameters {@code sliceMs} and {@code switchUs}.
 */
public record TimeSliceProbe(double sliceUs, double switchUs, int slices, int switches, Path source) {

  public static TimeSliceProbe read(Path f) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(f.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the time-slice probe " + f, e);
    }
    JsonNode two = root.path("processes_2");
    if (two.has("error")) throw new IllegalArgumentException(f + ": processes_2 failed: " + two.path("error").asText());
    double slice = number(f, two, "slice_us_median"), sw = number(f, two, "switch_us_median");
    if (!(slice > 0)) throw new IllegalArgumentException(f + ": processes_2.slice_us_median must be > 0, was " + slice);
    if (!(sw >= 0)) throw new IllegalArgumentException(f + ": processes_2.switch_us_median must be >= 0, was " + sw);
    return new TimeSliceProbe(slice, sw, two.path("slices").asInt(), two.path("switches").asInt(), f);
  }

  private static double number(Path f, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber()) throw new IllegalArgumentException(f + ": processes_2." + field + " missing or not a number");
    return v.asDouble();
  }

  /** The {@code time-slicing} policy's parameters from this probe. */
  public Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("sliceMs", sliceUs / 1000.0);
    p.put("switchUs", switchUs);
    return p;
  }

  public String describe() {
    return String.format(java.util.Locale.ROOT, "time-slicing calibrated from %s: slice %.0f us (median of %d), switch %.1f us (median of %d)",
        source, sliceUs, slices, switchUs, switches);
  }
}
