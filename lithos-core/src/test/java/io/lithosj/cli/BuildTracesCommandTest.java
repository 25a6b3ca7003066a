package io.lithosj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 16 item 6: {@code lithos build-traces}, the trace-dataset builder as a subcommand. Its base
 * is a copy of the committed raw ResNet-50 H100 trace; each hostile case breaks one thing and must
 * end in one line naming the file (and, inside a trace, the position), exit code 2.
 */
class BuildTracesCommandTest {
  static final String ID = "inference-resnet50";
  @TempDir Path dir;
  Path raw;

  private record Out(int code, String out, String err) {}

  private static Out run(String... args) {
    CommandLine cl = LithosCli.commandLine();
    StringWriter err = new StringWriter(), out = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(out));
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  private static Path committedRaw() {
    for (Path p : List.of(Path.of("../datasets/traces/raw-h100"), Path.of("datasets/traces/raw-h100"))) {
      if (Files.exists(p.resolve("manifest.json"))) return p;
    }
    throw new IllegalStateException("datasets/traces/raw-h100 not found");
  }

  @BeforeEach
  void copyOneTrace() throws IOException {
    raw = Files.createDirectories(dir.resolve("raw"));
    Path from = committedRaw();
    Files.copy(from.resolve("manifest.json"), raw.resolve("manifest.json"));
    Files.copy(from.resolve(ID + ".trace.json.gz"), raw.resolve(ID + ".trace.json.gz"));
  }

  private String trace() throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(raw.resolve(ID + ".trace.json.gz")))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void writeTrace(String text) throws IOException {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(raw.resolve(ID + ".trace.json.gz")))) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private Out fails() {
    Out o = run("build-traces", raw.toString(), dir.resolve("out").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().startsWith("lithos: "), o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
    return o;
  }

  @Test
  void buildsTheDatasetFromARawFolder() throws IOException {
    Out o = run("build-traces", raw.toString(), dir.resolve("out").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.exists(dir.resolve("out/" + ID + ".csv.gz")));
    assertTrue(Files.readString(dir.resolve("out/index.json")).contains("\"id\" : \"" + ID + "\""));
    assertTrue(o.out().contains("wrote "), o.out());
  }

  @Test
  void missingFolderAndManifestAreNamed() throws IOException {
    Out o = run("build-traces", dir.resolve("nope").toString(), dir.resolve("out").toString());
    assertEquals(2, o.code());
    assertEquals("lithos: raw folder " + dir.resolve("nope") + ": no such folder", o.err().strip(), "code " + o.code() + " out: " + o.out());
    Files.writeString(raw.resolve("manifest.json"), "{\"models\": {");
    assertTrue(fails().err().startsWith("lithos: " + raw.resolve("manifest.json") + ": malformed JSON at line 1"));
    Files.writeString(raw.resolve("manifest.json"), "{\"models\": {}, \"env\": {}}");
    assertTrue(fails().err().contains("no entry models." + ID), "a trace the manifest does not describe");
  }

  @Test
  void aFolderWithoutTracesIsAnError() throws IOException {
    Files.delete(raw.resolve(ID + ".trace.json.gz"));
    assertTrue(fails().err().contains("no *.trace.json.gz in"));
  }

  @Test
  void kernelEventsWithoutArgsOrWithAZeroGridAreRefusedWithTheirPosition() throws IOException {
    String t = trace();
    int k = t.indexOf("\"cat\": \"kernel\"");
    if (k < 0) k = t.indexOf("\"cat\":\"kernel\"");
    assertTrue(k > 0, "the trace has kernel events");
    int args = t.indexOf("\"grid\"", k);
    String zero = t.substring(0, args) + t.substring(args).replaceFirst("\"grid\": ?\\[[0-9]+", "\"grid\": [0");
    writeTrace(zero);
    String m = fails().err();
    assertTrue(m.contains(ID + ".trace.json.gz") && m.contains("'args.grid' [0,") && m.contains("line "), m);
    writeTrace(t.substring(0, args) + t.substring(args).replaceFirst("\"block\": ?\\[[0-9]+, ?[0-9]+, ?[0-9]+\\]", "\"block\": [1024, 2, 1]"));
    m = fails().err();
    assertTrue(m.contains("2048 threads per block, a GPU allows 1024"), m);
  }

  @Test
  void aTraceWithNoKernelInARequestIsAnError() throws IOException {
    // the request ranges renamed: nothing is a request any more
    writeTrace(trace().replace("ProfilerStep#", "OtherStep#").replace("request#", "other#"));
    String m = fails().err();
    assertTrue(m.contains(ID + ".trace.json.gz: the trace has no kernels inside a request range"), m);
  }
}
