package io.lithosj.backend.cuda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lithosj.input.JsonErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code calibration.json} as strictly as a scenario (docs/hostile-input.md, issue 16 item 5):
 * unknown or duplicate fields, text after the object, fractions for whole numbers, {@code null}
 * entries, non-finite numbers, missing measurements, values out of range and inconsistent ones are
 * errors naming the field. A lenient read turned a misspelt {@code memBandwidthGBps} into a
 * 0 GB/s GPU whose every latency was infinite.
 */
public final class CalibrationReader {
  /** The committed calibrations are about 11 KB; room for long kernel fits, and a bound on /dev/zero. */
  public static final int MAX_FILE_BYTES = 4 << 20;

  /** Fields every calibration has had since the first one; the rest may be absent in an older file. */
  static final List<String> REQUIRED = List.of("gpuId", "smCount", "tpcCount", "memBandwidthGBps", "perTpcBandwidthGBps",
      "launchOverheadUs");

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // not FAIL_ON_NULL_FOR_PRIMITIVES: it also fires for an absent field, which an older file may lack;
      // an explicit null is found by walk() instead
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  private CalibrationReader() {}

  /** {@code dir/calibration.json}, checked. */
  public static Calibration read(Path dir) {
    Path f = dir.resolve(Calibration.FILE);
    if (Files.isDirectory(dir) && !Files.exists(f)) {
      throw new CalibrationException(dir.toString(), "file", "no " + Calibration.FILE + " in this folder");
    }
    return parse(readBounded(f), f.toString());
  }

  private static String readBounded(Path f) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(f)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CalibrationException(f.toString(), "file", "no such file (a calibration folder holds " + Calibration.FILE + ")");
    } catch (IOException e) {
      throw new CalibrationException(f.toString(), "file", "cannot read: " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new CalibrationException(f.toString(), "file", "larger than " + (MAX_FILE_BYTES >> 20) + " MiB, the limit for a calibration");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The calibration in {@code text}; {@code source} names it in errors. */
  public static Calibration parse(String text, String source) {
    try {
      // the tree first: syntax, duplicates and trailing text with a position; then null entries and
      // non-finite numbers by path, before a record constructor could trip over them
      JsonNode tree = STRICT.readTree(text);
      if (tree == null || !tree.isObject()) {
        throw new CalibrationException(source, "file", "empty calibration (want a JSON object, was " + (tree == null ? "nothing" : tree.getNodeType()) + ")");
      }
      walk(tree, "", source);
      Calibration c = STRICT.readValue(text, Calibration.class);
      for (String f : REQUIRED) {
        JsonNode v = tree.get(f);
        if (v == null || v.isNull()) throw new CalibrationException(source, f, "missing; a calibration must give it (lithos calibrate writes it)");
      }
      CalibrationChecks.check(c, source);
      return c;
    } catch (UnrecognizedPropertyException e) {
      throw new CalibrationException(source, JsonErrors.path(e), "unknown field '" + e.getPropertyName() + "' (known: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
    } catch (ValueInstantiationException e) {
      // a record's own check (ReplayCosts) failed: its message, at the record's path
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw new CalibrationException(source, orFile(JsonErrors.path(e)), oneLine(why.getMessage()) + JsonErrors.at(e.getLocation()));
    } catch (JsonMappingException e) {
      String p = JsonErrors.path(e);
      if (p.isEmpty() && e.getOriginalMessage().startsWith("Trailing token")) {
        throw new CalibrationException(source, "file", "content after the calibration object" + JsonErrors.at(e.getLocation()));
      }
      throw new CalibrationException(source, orFile(p), oneLine(e.getOriginalMessage()) + JsonErrors.at(e.getLocation()));
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage();
      if (m.startsWith("Duplicate field")) throw new CalibrationException(source, "file", m + JsonErrors.at(e.getLocation()));
      throw new CalibrationException(source, "file", "malformed JSON" + JsonErrors.at(e.getLocation()) + ": " + oneLine(m));
    }
  }

  /**
   * Fields that may be written as {@code null} (an object or list not measured, a text not known):
   * {@code Calibration.write} writes an absent one so. A null number would be read as 0.
   */
  static final java.util.Set<String> NULLABLE = java.util.Set.of("gpuName", "driverVersion", "cudaDriverApi", "date",
      "power", "replay", "kernels", "notes", "shapes", "mixed", "fill", "config", "kernel");

  /**
   * Every array entry present, no number written as {@code null}, and every number finite
   * ({@code 1e999} parses as infinity), named by path.
   */
  private static void walk(JsonNode n, String at, String source) {
    if (n.isNumber() && !Double.isFinite(n.doubleValue())) {
      throw new CalibrationException(source, at, "not a finite number: " + n.asText());
    }
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        String p = at + "[" + i + "]";
        if (n.get(i).isNull()) throw new CalibrationException(source, p, "null entry");
        walk(n.get(i), p, source);
      }
    } else if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
        if (e.getValue().isNull() && !NULLABLE.contains(e.getKey()) && !REQUIRED.contains(e.getKey())) {
          throw new CalibrationException(source, p, "null; give a value or leave the field out");
        }
        walk(e.getValue(), p, source);
      }
    }
  }

  private static String orFile(String p) { return p.isEmpty() ? "file" : p; }

  private static String oneLine(String m) { return m == null ? "" : m.replaceAll("\\s*[\\r\\n]+\\s*", " "); }


}
