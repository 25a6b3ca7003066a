package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel-by-kernel comparison from atom logs, with modeled runs standing in for real ones. */
class KernelComparisonTest {
  @TempDir Path dir;

  private static AtomLog modeledLog(Scenario s) {
    AtomicReference<AtomLog> log = new AtomicReference<>();
    Runner.run(s, x -> {}, log::set);
    return log.get();
  }

  private static List<AtomLog.Entry> modeledAtoms(Scenario s) { return modeledLog(s).entries(); }

  private static Scenario solo() throws Exception {
    return ScenarioLoader.load(Scenarios.file("real/solo-demo-hp.json")).withDurationMs(400, 50);
  }

  @Test
  void aRunAgreesWithItselfKernelByKernelThroughAGzippedLog() throws Exception {
    Scenario s = solo();
    AtomLog log = modeledLog(s);
    List<AtomLog.Entry> atoms = log.entries();
    Path plain = dir.resolve("solo-demo-hp-mps-atoms.csv");
    log.writeCsv(plain); // then gzipped, as scripts/real-compare.sh does
    Path gz = dir.resolve("r1").resolve("solo-demo-hp-mps-atoms.csv.gz");
    Files.createDirectories(gz.getParent());
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(Files.readAllBytes(plain));
    }
    assertEquals(gz, KernelComparison.logIn(dir.resolve("r1"), "solo-demo-hp", "mps"));
    assertEquals(atoms.size(), KernelComparison.read(gz).size());

    List<KernelComparison.Row> rows = KernelComparison.compare("solo-demo-hp", "mps", s.warmupMsOrDefault(), List.of(gz, plain), atoms);
    // rows come in first-seen order after the warm-up, which depends on where the seed's arrivals cut a request
    assertEquals(List.of("bn_relu", "conv", "fc"), rows.stream().map(KernelComparison.Row::kernel).sorted().toList());
    for (KernelComparison.Row r : rows) {
      assertEquals(2, r.realRuns());
      assertEquals(r.modeledMedianUs(), r.realMedianUs(), 0.2, r.toString()); // the log keeps 0.1 µs
      assertTrue(r.modeledMedianUs() > 20, r.toString()); // launch overhead, the block, the completion path
    }
    assertTrue(KernelComparison.toMarkdown(rows).contains("| solo-demo-hp | mps | hp-infer | conv |"));
  }

  @Test
  void warmUpAtomsAreLeftOut() throws Exception {
    Scenario s = solo();
    List<AtomLog.Entry> atoms = modeledAtoms(s);
    long after = atoms.stream().filter(e -> e.submitMs() >= s.warmupMsOrDefault() && e.kernel().equals("fc")).count();
    assertTrue(after < atoms.stream().filter(e -> e.kernel().equals("fc")).count());
    assertEquals(after, KernelComparison.launchToSeenUs(atoms, s.warmupMsOrDefault()).get("hp-infer\tfc").size());
  }

  @Test
  void badLogsAreNamedWithTheirLine() throws Exception {
    Path bad = dir.resolve("x-atoms.csv");
    Files.writeString(bad, "tenant,kernel\nhp,conv\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelComparison.read(bad));
    assertTrue(e.getMessage().contains("x-atoms.csv: line 1"), e.getMessage());
    Files.writeString(bad, "tenant,launchId,seq,kernel,atomId,blockLo,blockHi,tpcs,priority,submitMs,launchMs,startMs,endMs,seenMs\n"
        + "hp,1,0,conv,1,0,264,66,1,1.0,1.1,1.2,1.3,oops\n");
    e = assertThrows(IllegalArgumentException.class, () -> KernelComparison.read(bad));
    assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("oops"), e.getMessage());
  }

  @Test
  void longKernelNamesAreCutForTheTable() {
    String name = "sm90_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc_tilesize64x64x64";
    assertEquals(48, KernelComparison.shortName(name).length());
    assertEquals("conv", KernelComparison.shortName("conv"));
  }

  @Test
  void hostStallsArePausesOfAMillisecondOrMore() throws Exception {
    Path log = Files.createDirectories(dir.resolve("run7")).resolve("s-p-atoms.csv");
    String h = "tenant,launchId,seq,kernel,atomId,blockLo,blockHi,tpcs,priority,submitMs,launchMs,startMs,endMs,seenMs\n";
    Files.writeString(log, h
        + "hp,1,0,conv,1,0,8,66,1,10.0,10.0,10.01,10.05,20.0\n"     // in the warm-up: left out
        + "hp,2,0,conv,2,0,8,66,1,100.0,100.0,100.01,100.05,100.06\n" // seen at once
        + "hp,3,0,conv,3,0,8,66,1,200.0,200.0,200.01,201.00,206.00\n" // a 5 ms pause ...
        + "be,4,0,gemm,4,0,8,66,0,199.0,199.0,199.01,203.00,206.00\n" // ... seen at the same poll: the same pause
        + "hp,5,0,conv,5,0,8,66,1,300.0,300.0,300.01,300.50,302.00\n"); // 1.5 ms
    KernelComparison.Stalls st = KernelComparison.hostStalls("s", "p", 50, log);
    assertEquals(2, st.pauses());
    assertEquals(5.0, st.longestMs(), 1e-9);
    assertEquals(6.5, st.totalMs(), 1e-9);
    assertEquals("run7", st.run());
    assertTrue(KernelComparison.toMarkdown(List.of(), List.of(st)).contains("| s | p | run7 | 2 | 5.0 | 6.5 |"));
  }
}
