package io.lithosj.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lithosj.input.JsonErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and writes scenario files (JSON, or YAML for {@code .yaml}/{@code .yml}) with field-naming
 * errors. Reading is strict (docs/hostile-input.md): a duplicate key, text after the scenario (a
 * second YAML document included), a fraction where a whole number is meant and a file over
 * {@link #MAX_FILE_BYTES} are errors, never a silent guess.
 */
public final class ScenarioLoader {
  /**
   * Room for long trace arrivals (about a million {@code arrivalMs} values); the shipped scenarios
   * are at most 2.4 KiB. Reading stops here.
   */
  public static final int MAX_FILE_BYTES = 16 << 20;
  /**
   * YAML's own limit, lower: SnakeYAML scans slowly (a 15 MiB comment took 43 s on this 2-core
   * machine, 1 MiB 2-4 s), and a YAML scenario is written by hand; big trace arrivals belong in JSON.
   */
  public static final int MAX_YAML_BYTES = 1 << 20;

  private static final ObjectMapper JSON = configure(JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build());
  private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build());

  private ScenarioLoader() {}

  private static ObjectMapper configure(ObjectMapper m) {
    // YAML's `- ` (an empty list item) is "" to Jackson: make it the null entry it means, reported by path
    m.coercionConfigFor(LogicalType.POJO).setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull);
    return m.registerModule(plainDecimalNumbers())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        // a second object or YAML document after the scenario would otherwise be dropped unread
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
        // `blocks: 264.7` must not become 264
        .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Load and validate (every field checked, tenants built once to find errors early). */
  public static Scenario load(Path file) {
    String n = file.getFileName().toString().toLowerCase();
    boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
    Scenario s = parse(read(file, yaml ? MAX_YAML_BYTES : MAX_FILE_BYTES), yaml);
    if (s.name() == null) {
      String base = file.getFileName().toString().replaceFirst("\\.(json|ya?ml)$", "");
      s = s.withName(base);
    }
    if (s.calibration() != null) {
      // a calibration folder written in the file is relative to the file, as an include would be
      try {
        Path dir = file.toAbsolutePath().getParent();
        s = s.withCalibration(dir.resolve(s.calibration()).normalize().toString());
      } catch (java.nio.file.InvalidPathException e) {
        throw new ScenarioException("calibration", "not a path: " + e.getMessage());
      }
    }
    s.tenantSpecs();
    return s;
  }

  /**
   * The file's text, at most {@code limit} bytes: the size is not trusted ({@code /dev/zero}
   * and pipes report 0), reading simply stops one byte past the limit.
   */
  private static String read(Path file, int limit) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(limit + 1);
    } catch (NoSuchFileException e) {
      // the absolute path, so a notebook started in another folder shows where it looked
      throw new ScenarioException("file", "no such scenario file: " + file.toAbsolutePath().normalize()
          + (file.isAbsolute() ? "" : " (relative to the working directory; Repo.path(\"" + file + "\") reads from the repository root)"));
    } catch (IOException e) {
      throw new ScenarioException("file", "cannot read " + file + ": " + e.getMessage());
    }
    if (bytes.length > limit) {
      throw new ScenarioException("file", file + " is larger than " + (limit >> 20) + " MiB, the limit for a "
          + (limit == MAX_YAML_BYTES ? "YAML scenario (JSON: " + (MAX_FILE_BYTES >> 20) + " MiB)" : "scenario"));
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public static Scenario parse(String text, boolean yaml) {
    int limit = yaml ? MAX_YAML_BYTES : MAX_FILE_BYTES;
    if (text.length() > limit) {
      throw new ScenarioException("file", "scenario text of " + text.length() + " characters; the limit is " + limit);
    }
    try {
      Scenario s = (yaml ? YAML : JSON).readValue(text, Scenario.class);
      if (s == null) throw new ScenarioException("file", "empty scenario");
      return s;
    } catch (UnrecognizedPropertyException e) {
      throw new ScenarioException(JsonErrors.path(e), "unknown field '" + e.getPropertyName() + "' (known: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
    } catch (JsonMappingException e) {
      String p = JsonErrors.path(e);
      throw new ScenarioException(p.isEmpty() ? "file" : p, describe(e) + JsonErrors.at(e.getLocation()));
    } catch (StreamReadException e) {
      String p = duplicateKeyPath(e);
      if (e.getOriginalMessage().startsWith("Duplicate field") && !p.isEmpty()) {
        throw new ScenarioException(p, e.getOriginalMessage() + JsonErrors.at(e.getLocation()));
      }
      throw new ScenarioException("file", "malformed " + (yaml ? "YAML" : "JSON") + JsonErrors.at(e.getLocation()) + ": "
          + yamlProblem(e, e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new ScenarioException("file", "malformed " + (yaml ? "YAML" : "JSON") + JsonErrors.at(e.getLocation()) + ": " + e.getOriginalMessage());
    }
  }

  public static String toJson(Scenario s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Written numbers are plain decimals: {@code [-+]?(0|[1-9][0-9]*)} for a whole number. */
  private static final Pattern PLAIN_INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");

  /**
   * YAML 1.1, which Jackson's YAML parser follows, reads {@code 070} as octal 56 (and {@code 0x10},
   * {@code 0b11}, {@code 1_000} as hex, binary, 1000); no parser feature turns that off, so the
   * number fields check the scalar as written (a YAML parser's text of a number is its source).
   */
  private static SimpleModule plainDecimalNumbers() {
    return new SimpleModule("plain-decimal-numbers")
        .addDeserializer(Integer.class, new PlainDecimal<>(Integer.class, new NumberDeserializers.IntegerDeserializer(Integer.class, null)))
        .addDeserializer(Long.class, new PlainDecimal<>(Long.class, new NumberDeserializers.LongDeserializer(Long.class, null)))
        .addDeserializer(Double.class, new PlainDecimal<>(Double.class, new NumberDeserializers.DoubleDeserializer(Double.class, null)));
  }

  /** Jackson's own number deserializer, after the check that the number was written as a plain decimal. */
  private static final class PlainDecimal<T> extends StdScalarDeserializer<T> {
    private final JsonDeserializer<T> jackson;

    PlainDecimal(Class<T> type, JsonDeserializer<T> jackson) {
      super(type);
      this.jackson = jackson;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && !PLAIN_INTEGER.matcher(p.getText()).matches()) {
        c.reportInputMismatch(handledType(), "'%s' is not a plain decimal number (YAML 1.1 would read it as %s); "
            + "write it without leading zeros, prefixes or '_'", p.getText(), p.getNumberValue());
      }
      return jackson.deserialize(p, c);
    }
  }

  /** Where a duplicate key is: the path of the key itself (the parser's context when it stopped). */
  private static String duplicateKeyPath(StreamReadException e) {
    JsonParser p = e.getProcessor();
    if (p == null) return "";
    StringBuilder sb = new StringBuilder();
    for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
      String part = c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName() == null ? "" : c.getCurrentName();
      sb.insert(0, c.inObject() && c.getParent() != null && !c.getParent().inRoot() && !part.isEmpty() ? "." + part : part);
    }
    return sb.toString();
  }

  /** Jackson's message, in the scenario's terms where Jackson's would point at its own configuration. */
  private static String describe(JsonMappingException e) {
    if (e instanceof MismatchedInputException m && isWholeNumber(m.getTargetType())
        && e.getOriginalMessage().startsWith("Cannot coerce Floating-point")) {
      return "must be a whole number, was " + e.getOriginalMessage().replaceFirst("^[^(]*\\(([^)]*)\\).*$", "$1");
    }
    if (e.getOriginalMessage().startsWith("Trailing token")) {
      return "content after the scenario (a second JSON value or YAML document); a file holds one scenario";
    }
    return yamlProblem(e, e.getOriginalMessage());
  }

  /**
   * SnakeYAML's message draws the line with a caret over several lines; its context and problem
   * fit on one, beside the line and column we add.
   */
  private static String yamlProblem(Throwable e, String otherwise) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException m) return oneLine((m.getContext() == null ? "" : m.getContext() + ": ") + m.getProblem());
    }
    return oneLine(otherwise);
  }

  /** A parser quotes the offending character as it is, a line break included; the CLI prints one line. */
  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static boolean isWholeNumber(Class<?> t) {
    return t == Integer.class || t == int.class || t == Long.class || t == long.class;
  }


}
