package io.lithosj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.Scenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LithosCliTest {
  @TempDir Path dir;

  private record Out(int code, String err) {}

  private static Out run(String... args) {
    CommandLine cl = LithosCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int code = cl.execute(args);
    return new Out(code, err.toString());
  }

  @Test
  void badScenarioPrintsOneSentenceNotAStackTrace() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, Files.readString(Scenarios.file("stacking-demo.json")).replace("\"ratePerSec\": 200", "\"ratePerSec\": -1"));
    Out o = run("run", f.toString(), "-q", "-o", dir.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().startsWith("lithos: tenants[0].ratePerSec"), o.err());
    assertEquals(1, o.err().strip().lines().count(), o.err());
  }

  @Test
  void missingFileIsNamed() {
    Out o = run("run", dir.resolve("nope.json").toString(), "-q");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("nope.json"), o.err());
  }

  @Test
  void runWritesACsvPerPolicy() throws Exception {
    Path f = dir.resolve("short.json");
    Files.writeString(f, Files.readString(Scenarios.file("stacking-demo.json")).replace("\"durationMs\": 3000", "\"durationMs\": 400"));
    Out o = run("run", f.toString(), "-p", "mps,mig", "-q", "-o", dir.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.readString(dir.resolve("stacking-demo-mig.csv")).contains("hp-infer"));
    assertTrue(Files.exists(dir.resolve("stacking-demo-mps.csv")));
  }
}
