package io.lithosj.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads and writes scenario files (JSON, or YAML for {@code .yaml}/{@code .yml}) with field-naming errors. */
public final class ScenarioLoader {
  private static final ObjectMapper JSON = configure(JsonMapper.builder()
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build());
  private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory())
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build());

  private ScenarioLoader() {}

  private static ObjectMapper configure(ObjectMapper m) {
    return m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Load and validate (every field checked, tenants built once to find errors early). */
  public static Scenario load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ScenarioException("file", "no such scenario file: " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String n = file.getFileName().toString().toLowerCase();
    Scenario s = parse(text, n.endsWith(".yaml") || n.endsWith(".yml"));
    if (s.name() == null) {
      String base = file.getFileName().toString().replaceFirst("\\.(json|ya?ml)$", "");
      s = s.withName(base);
    }
    s.tenantSpecs();
    return s;
  }

  public static Scenario parse(String text, boolean yaml) {
    try {
      Scenario s = (yaml ? YAML : JSON).readValue(text, Scenario.class);
      if (s == null) throw new ScenarioException("file", "empty scenario");
      return s;
    } catch (UnrecognizedPropertyException e) {
      throw new ScenarioException(path(e), "unknown field '" + e.getPropertyName() + "' (known: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
    } catch (JsonMappingException e) {
      String p = path(e);
      throw new ScenarioException(p.isEmpty() ? "file" : p, e.getOriginalMessage() + at(e.getLocation()));
    } catch (JsonProcessingException e) {
      throw new ScenarioException("file", "malformed " + (yaml ? "YAML" : "JSON") + at(e.getLocation()) + ": " + e.getOriginalMessage());
    }
  }

  public static String toJson(Scenario s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String at(JsonLocation loc) {
    return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
