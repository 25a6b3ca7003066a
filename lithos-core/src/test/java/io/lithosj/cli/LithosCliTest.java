package io.lithosj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lithosj.experiment.Scenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
  void benchMeasuresBesideTheBareQueueAndHasACommittedBaseline() throws Exception {
    Path json = dir.resolve("bench.json");
    Path scenarios = Scenarios.file("stacking-demo.json").getParent();
    Out o = run("bench", "--scenarios", scenarios.toString(), "--case", "stacking-demo.json:mps", "--duration-ms", "20",
        "--reps", "1", "--json", json.toString());
    assertEquals(0, o.code(), o.err());
    JsonNode n = new ObjectMapper().readTree(json.toFile());
    assertTrue(n.path("bareQueueEventsPerSec").asDouble() > 0, n.toString());
    JsonNode f = n.path("figures").get(0);
    assertEquals("stacking-demo.json:mps", f.path("scenarioCase").asText());
    assertTrue(f.path("gpuSecPerCpuSec").asDouble() > 0 && f.path("blocks").asLong() > 0, f.toString());
    try (var in = BenchCommand.class.getResourceAsStream(BenchCommand.BASELINE_RESOURCE)) {
      JsonNode base = new ObjectMapper().readTree(in);
      assertEquals(4, base.path("figures").size(), "the paper cases: hybrid and inference-latency under mps and lithos");
      assertTrue(base.path("memory").path("liveHeapBytes8x").asLong() > 0);
    }
  }

  @Test
  void missingFileIsNamed() {
    Out o = run("run", dir.resolve("nope.json").toString(), "-q");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("nope.json"), o.err());
  }

  @Test
  void compareSetsTheModelBesideRepeatedRealRuns() throws Exception {
    Path f = dir.resolve("solo.json");
    Files.writeString(f, Files.readString(Scenarios.file("real/solo-demo-hp.json")).replace("\"durationMs\": 4000", "\"durationMs\": 400").replace("\"warmupMs\": 500", "\"warmupMs\": 50"));
    Path sim = dir.resolve("sim-as-real");
    assertEquals(0, run("run", f.toString(), "-q", "--atom-log", "-o", sim.toString()).code());
    Path csv = sim.resolve("solo-demo-hp-mps.csv");
    Path r1 = Files.createDirectories(dir.resolve("r1")), r2 = Files.createDirectories(dir.resolve("r2"));
    Files.writeString(r1.resolve(csv.getFileName()), Files.readString(csv).replace(",sim,", ",cuda,"));
    Files.writeString(r2.resolve(csv.getFileName()), Files.readString(csv).replace(",sim,", ",cuda,"));
    Files.copy(sim.resolve("solo-demo-hp-mps-atoms.csv"), r1.resolve("solo-demo-hp-mps-atoms.csv"));
    Path out = dir.resolve("cmp");
    Out o = run("compare", "-q", "--real", r1.toString(), "--real", r2.toString(), "-o", out.toString(), f.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.readString(out.resolve("comparison.md")).contains("2 of 2 p99 and throughput values within 15% of the median of 2 real runs"));
    assertTrue(Files.size(out.resolve("comparison.png")) > 1000);
    assertTrue(Files.readString(out.resolve("kernels.md")).contains("| solo-demo-hp | mps | hp-infer | conv |"));
    Out none = run("compare", "-q", "--real", dir.resolve("cmp").toString(), f.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no real results for scenario 'solo-demo-hp'"), none.err());
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

  /** A short copy of solo-demo-hp named {@code name} (JSON-escaped here). */
  private Path shortScenario(String file, String name) throws Exception {
    Path f = dir.resolve(file);
    Files.writeString(f, Files.readString(Scenarios.file("real/solo-demo-hp.json")).replace("\"durationMs\": 4000", "\"durationMs\": 200")
        .replace("\"warmupMs\": 500", "\"warmupMs\": 20").replace("\"name\": \"solo-demo-hp\"", "\"name\": \"" + name + "\""));
    return f;
  }

  @Test
  void scenarioNamesThatArePathsStayInsideTheOutputFolder() throws Exception {
    Path out = dir.resolve("a/b/out");
    Out o = run("run", shortScenario("up.json", "../../x").toString(), shortScenario("abs.json", "/abs/x").toString(), "-q",
        "-o", out.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.isRegularFile(out.resolve(".._.._x-mps.csv")));
    assertTrue(Files.isRegularFile(out.resolve("_abs_x-mps.csv")));
    try (var all = Files.walk(dir)) {
      assertEquals(2, all.filter(p -> p.toString().endsWith(".csv")).count(), "no CSV anywhere but the two in -o");
    }
  }

  @Test
  void twoScenariosWritingOneFileAreAnErrorBeforeAnythingRuns() throws Exception {
    Path one = shortScenario("one.json", "same");
    Path two = shortScenario("two.json", "same");
    Path out = dir.resolve("out");
    Out o = run("run", one.toString(), two.toString(), "-q", "-o", out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("one.json") && o.err().contains("two.json") && o.err().contains("same-mps.csv"), o.err());
    assertTrue(!Files.exists(out), "nothing written, not even the folder");
    // Names that differ only in characters the file name rule replaces collide too.
    Out o2 = run("run", shortScenario("three.json", "a b").toString(), shortScenario("four.json", "a/b").toString(), "-q", "-o", out.toString());
    assertEquals(2, o2.code());
    assertTrue(o2.err().contains("a_b-mps.csv"), o2.err());
  }

  @Test
  void anOutputFolderThatIsAFileFailsBeforeRunningWithTheReason() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    // A 60 s scenario: if the check came after the simulation this would take far longer than the limit below.
    Path f = dir.resolve("long.json");
    Files.writeString(f, Files.readString(Scenarios.file("stacking-demo.json")).replace("\"durationMs\": 3000", "\"durationMs\": 60000"));
    long t0 = System.nanoTime();
    Out o = run("run", f.toString(), "-q", "-o", file.toString());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(2, o.code());
    assertTrue(o.err().contains(file.toString()) && o.err().contains("not a folder"), o.err());
    assertTrue(seconds < 10, "the output folder is checked before the simulation (took " + seconds + " s)");
    Out below = run("run", f.toString(), "-q", "-o", file.resolve("sub").toString());
    assertEquals(2, below.code());
    assertTrue(below.err().contains(file.resolve("sub").toString()) && below.err().contains("cannot create output folder"), below.err());
  }

  @Test
  void aTypoBesideAllIsAUsageErrorBeforeAnythingRuns() throws Exception {
    Path out = dir.resolve("out");
    Out o = run("run", Scenarios.file("stacking-demo.json").toString(), "-p", "all,tpyo", "-q", "-o", out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("unknown policy 'tpyo'") && o.err().contains("mig, tgs") && o.err().contains("lithos run --help"), o.err());
    assertTrue(!Files.exists(out), "nothing ran");
  }

  /** Eight tenants: MIG has seven instances, so -p all runs the seven other policies and says why MIG did not run. */
  @Test
  void allRunsEveryPolicyThatCanServeTheScenarioAndSaysWhyNotTheOthers() throws Exception {
    StringBuilder y = new StringBuilder("name: eight\ndurationMs: 20\nwarmupMs: 2\npolicy: {name: mps}\ntenants:\n");
    for (int i = 0; i < 8; i++) {
      y.append("  - {name: t").append(i).append(i == 0 ? ", priority: HP, sloMs: 5" : "")
          .append(", ratePerSec: 200, kernels: [{name: k, blocks: 20, blockComputeUs: 5}]}\n");
    }
    Path f = Files.writeString(dir.resolve("eight.yaml"), y.toString());
    Path out = dir.resolve("out");
    Out o = run("run", f.toString(), "-p", "all", "-q", "-o", out.toString());
    assertEquals(0, o.code(), o.err());
    for (String p : io.lithosj.os.Policies.names()) {
      assertEquals(!p.equals("mig"), Files.exists(out.resolve("eight-" + p + ".csv")), p);
    }
    assertTrue(o.err().contains("skipping policy mig") && o.err().contains("not run: policy mig")
        && o.err().contains("MIG has at most 7 instances; the scenario has 8 tenants"), o.err());
    // named on its own, the same policy is an error before the run
    Out mig = run("run", f.toString(), "-p", "mig", "-q", "-o", out.toString());
    assertEquals(2, mig.code());
    assertTrue(mig.err().contains("cannot run policy mig") && mig.err().contains("8 tenants"), mig.err());
  }

  /**
   * Several policies: one comparison CSV at full precision, and beside every file a run record with
   * the toolkit version, git commit, command line and the hash of each scenario as it ran.
   */
  @Test
  void runRecordsWhatMadeEachFileAndComparesSeveralPolicies() throws Exception {
    Path out = dir.resolve("out");
    String[] args = {"run", Scenarios.file("stacking-demo.json").toString(), "-p", "mps,lithos", "--duration-ms", "200", "-q",
        "-o", out.toString()};
    Out o = run(args);
    assertEquals(0, o.code(), o.err());
    JsonNode rec = new ObjectMapper().readTree(out.resolve("stacking-demo-lithos.run.json").toFile());
    assertEquals(io.lithosj.repo.Provenance.version(), rec.path("version").asText());
    assertTrue(rec.path("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), rec.toString());
    assertTrue(rec.path("gitCommit").asText().matches("[0-9a-f]{40}(-dirty)?|unknown"), rec.toString());
    assertEquals("lithos " + String.join(" ", args), rec.path("commandLine").asText());
    assertEquals("stacking-demo-lithos.csv", rec.path("files").get(0).asText());
    io.lithosj.experiment.Scenario ran = io.lithosj.experiment.Scenarios.stackingDemo().withDurationMs(200, 20).withPolicy("lithos");
    assertEquals(io.lithosj.output.RunRecord.hash(ran), rec.path("scenarioSha256").path("stacking-demo/lithos").asText());
    assertTrue(!io.lithosj.output.RunRecord.hash(ran).equals(io.lithosj.output.RunRecord.hash(ran.withSeed(7))), "the hash sees overrides");
    // The CSVs keep their columns; the comparison is a file of its own, full precision.
    assertTrue(Files.readString(out.resolve("stacking-demo-mps.csv")).startsWith("scenario,policy,gpu,backend,seed,tenant,"));
    List<String> cmp = Files.readAllLines(out.resolve("stacking-demo-comparison.csv"));
    assertEquals("tenant,class,policy,queue,p50Ms,p99Ms,p99OverSolo,sloAttainment,throughputPerSec,normalizedThroughput", cmp.get(0));
    assertEquals(5, cmp.size(), "2 tenants x 2 policies: " + cmp);
    assertTrue(cmp.get(2).matches("hp-infer,HP,lithos,stable,.*\\.\\d{4,}.*"), "full precision: " + cmp.get(2));
    JsonNode cmpRec = new ObjectMapper().readTree(out.resolve("stacking-demo-comparison.run.json").toFile());
    assertEquals(2, cmpRec.path("scenarioSha256").size());
  }
}
