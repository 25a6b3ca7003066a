package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Malformed and extreme scenario documents (issue 16 item 9, scenario loader only): the demo with
 * one value replaced by a hostile one, or with its text cut or spliced. Loading either succeeds or
 * fails with a {@link ScenarioException} that names a field path or a line, within a second.
 */
class ScenarioLoaderFuzzTest {
  private static final String DEMO = readDemo();
  /** The demo's scalar values: a number, a quoted string, or a literal, after a key. */
  private static final Pattern VALUE = Pattern.compile("(\"[A-Za-z]+\": )(\"[^\"]*\"|-?[0-9.eE+]+|true|false|null)");
  private static final String DEMO_YAML = toYaml(DEMO);
  private static final int VALUES = (int) VALUE.matcher(DEMO).results().count();

  private static String readDemo() {
    try {
      return Files.readString(Scenarios.file("stacking-demo.json"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<String> hostileValues() {
    return Arbitraries.of("null", "-1", "0", "1e308", "-1e308", "264.7", "2e9", "99999999999999999999", "\"x\"", "\"\"",
        "[]", "{}", "[null]", "true", "070", "NaN", "\"\\u0000\"", "1e-320", "{\"a\": null}");
  }

  @Property(tries = 300)
  void oneHostileValue(@ForAll @IntRange(min = 0, max = 1000) int which, @ForAll("hostileValues") String value) {
    Matcher m = VALUE.matcher(DEMO);
    for (int i = 0; i <= which % VALUES; i++) m.find();
    String text = DEMO.substring(0, m.start(2)) + value + DEMO.substring(m.end(2));
    check(text, false);
  }

  @Property(tries = 300)
  void cutOrSpliced(@ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll @IntRange(min = 0, max = 40) int cut,
                    @ForAll("junk") String insert, @ForAll boolean yaml) {
    String base = yaml ? DEMO_YAML : DEMO;
    int from = at % base.length();
    String text = base.substring(0, from) + insert + base.substring(Math.min(base.length(), from + cut));
    check(text, yaml);
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings().withChars("{}[],:\"'-.0123456789eE \n\t#&*!|>%@`~").ofMaxLength(8);
  }

  @Example
  void theYamlBaseIsAValidScenario() {
    ScenarioLoader.parse(DEMO_YAML, true).tenantSpecs();
  }

  /** The demo as block-style YAML, to exercise the YAML parser's own paths. */
  private static String toYaml(String json) {
    try {
      return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().writeValueAsString(
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void check(String text, boolean yaml) {
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      try {
        ScenarioLoader.parse(text, yaml).tenantSpecs();
      } catch (ScenarioException e) {
        String f = e.field();
        boolean named = f != null && !f.isEmpty() && (!f.equals("file") || e.getMessage().contains("(line ")
            || List.of("empty scenario").stream().anyMatch(e.getMessage()::contains));
        assertTrue(named, "names a path or a position: " + e.getMessage() + "\n--- input:\n" + text);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
      }
    });
  }
}
