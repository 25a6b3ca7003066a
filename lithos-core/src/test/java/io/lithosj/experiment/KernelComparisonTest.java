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
    assertEquals(List.of("conv", "bn_relu", "fc"), rows.stream().map(KernelComparison.Row::kernel).toList());
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
}
