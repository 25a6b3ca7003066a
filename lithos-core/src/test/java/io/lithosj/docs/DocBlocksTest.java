package io.lithosj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import io.lithosj.repo.Repo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code block of the README, docs/ and lithos-jupyter's README runs as written, so a broken
 * example fails the build: bash blocks in bash from the repository root (with {@code ./lithos} the
 * CLI built by this build, not the launcher, which would start Maven inside Maven), java blocks in
 * JShell with notebooks/lithos.jsh as start-up, json blocks parsed (a policy checked against its
 * parameters, tenants as a scenario's). A block that cannot run here (a GPU, minutes of work, an
 * install) says why on the line before its fence.
 */
class DocBlocksTest {
  static final List<String> DOCS = docs();
  static final Set<String> LANGS = Set.of("bash", "java", "json", "text");
  static final Path ROOT = Repo.root().orElseThrow();

  @TempDir static Path tmp;

  private static List<String> docs() {
    List<String> d = new ArrayList<>(List.of("README.md", "lithos-jupyter/README.md"));
    try (Stream<Path> s = Files.list(Repo.path("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(p -> d.add("docs/" + p.getFileName()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return d;
  }

  private static List<DocBlocks.Block> all() throws IOException {
    List<DocBlocks.Block> b = new ArrayList<>();
    for (String d : DOCS) b.addAll(DocBlocks.read(ROOT, d).blocks());
    return b;
  }

  /** Every block says what it is, every skip says why, and most blocks run (the test cannot pass empty). */
  @Test
  void everyBlockIsLabelledAndEverySkipHasAReason() throws IOException {
    List<DocBlocks.Block> blocks = all();
    for (DocBlocks.Block b : blocks) {
      assertTrue(LANGS.contains(b.lang()), b.where() + ": label the block as one of " + LANGS + ", was '" + b.lang() + "'");
      if (b.skipReason() != null) assertTrue(b.skipReason().length() > 10, b.where() + ": a skip needs its reason");
    }
    long runs = blocks.stream().filter(b -> b.skipReason() == null && !b.lang().equals("text")).count();
    assertTrue(runs >= 5, "runnable blocks: " + runs);
    assertTrue(blocks.stream().anyMatch(b -> b.lang().equals("java") && b.skipReason() == null), "a java block runs");
  }

  @TestFactory
  Stream<DynamicTest> everyBlockRunsAsWritten() throws IOException {
    return all().stream().filter(b -> b.skipReason() == null && !b.lang().equals("text"))
        .map(b -> DynamicTest.dynamicTest(b.where() + " (" + b.lang() + ")", () -> {
          switch (b.lang()) {
            case "bash" -> bash(b);
            case "java" -> jshell(b);
            case "json" -> json(b);
            default -> fail(b.where() + ": no runner for " + b.lang());
          }
        }));
  }

  /** The class path of this test run: the built classes and every dependency. */
  static String classPath() {
    String cp = System.getProperty("surefire.test.class.path"); // surefire's booter jar hides the real one
    return cp != null ? cp : System.getProperty("java.class.path");
  }

  private static final Pattern LAUNCHER = Pattern.compile("(^|[\\s;&|(])\\./lithos(?=\\s|$)", Pattern.MULTILINE);

  private static void bash(DocBlocks.Block b) throws Exception {
    Path cli = tmp.resolve("lithos");
    if (!Files.exists(cli)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Files.writeString(cli, "#!/usr/bin/env bash\nexec '" + java + "' -Xmx2g -cp '" + classPath() + "' io.lithosj.cli.LithosCli \"$@\"\n");
      assertTrue(cli.toFile().setExecutable(true));
    }
    Matcher m = LAUNCHER.matcher(b.text());
    String script = "set -euo pipefail\n" + m.replaceAll("$1\"\\$DOC_TEST_LITHOS\"");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("DOC_TEST_LITHOS", cli.toString());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(b.where() + ": still running after 300 s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), b.where() + " failed:\n" + b.text() + "\n--- output ---\n" + tail(text));
  }

  private static void jshell(DocBlocks.Block b) throws IOException {
    PrintStream realOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (JShell js = JShell.builder().executionEngine("local").build()) {
      for (String e : classPath().split(java.io.File.pathSeparator)) js.addToClasspath(e);
      eval(js, b, "jshell DEFAULT", "import java.io.*; import java.math.*; import java.net.*; import java.nio.file.*; "
          + "import java.util.*; import java.util.concurrent.*; import java.util.function.*; import java.util.prefs.*; "
          + "import java.util.regex.*; import java.util.stream.*;");
      eval(js, b, "notebooks/lithos.jsh", Files.readString(Repo.path("notebooks/lithos.jsh")));
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      eval(js, b, b.where(), b.text());
    } finally {
      System.setOut(realOut);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    realOut.print(printed);
    // display(chart) in plain JShell saves the chart and prints where: that file must be there
    Matcher saved = Pattern.compile("chart saved to (\\S+\\.png)").matcher(printed);
    while (saved.find()) assertTrue(Files.size(Path.of(saved.group(1))) > 1000, b.where() + ": " + saved.group(1));
  }

  /** Evaluates source text snippet by snippet; a rejected snippet or an exception fails with its message. */
  private static void eval(JShell js, DocBlocks.Block b, String what, String source) {
    SourceCodeAnalysis sca = js.sourceCodeAnalysis();
    String rest = source;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(rest);
      String snippet = ci.source() != null ? ci.source() : rest;
      for (SnippetEvent e : js.eval(snippet)) {
        if (e.status() == Snippet.Status.REJECTED) {
          String diag = js.diagnostics(e.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT)).reduce("", (x, y) -> x + " " + y);
          fail(b.where() + " (" + what + "): rejected: " + snippet.strip() + ":" + diag);
        }
        if (e.exception() != null) fail(b.where() + " (" + what + "): " + snippet.strip() + " threw " + e.exception());
      }
      rest = ci.source() != null ? ci.remaining() : "";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON example: a whole value, or a fragment ({@code "policy": {...}}, tenants separated by commas). */
  private static void json(DocBlocks.Block b) throws Exception {
    String t = b.text().strip();
    JsonNode n = t.startsWith("\"") ? JSON.readTree("{" + t + "}") : t.startsWith("{") && t.endsWith(",") || t.matches("(?s)\\{.*\\}\\s*,\\s*\\{.*")
        ? JSON.readTree("[" + t.replaceAll(",\\s*$", "") + "]") : JSON.readTree(t);
    if (n.has("policy")) {
      JsonNode p = n.get("policy");
      Policies.create(p.path("name").asText(), JSON.convertValue(p.path("params"), Map.class));
    } else if (n.isArray()) {
      // tenants: read as a scenario's, on the paper's GPU, so every field name and value is checked
      ScenarioLoader.parse("{\"gpu\": \"h200\", \"policy\": {\"name\": \"mps\"}, \"tenants\": " + n + "}", false).tenantSpecs();
    }
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
  }
}
