package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lithos compare's arithmetic and its errors, with a modeled run standing in for a real one. */
class RealComparisonTest {
  @TempDir Path dir;

  private static Scenario solo() throws Exception {
    return ScenarioLoader.load(Scenarios.file("real/solo-demo-hp.json")).withDurationMs(400, 50);
  }

  @Test
  void aRunAgreesWithItselfAndAFasterRealRunIsFlagged() throws Exception {
    RunResult modeled = Runner.run(solo());
    Path real = dir.resolve("solo-demo-hp-mps.csv");
    Files.writeString(real, modeled.toCsv().replace(",sim,", ",cuda,"));
    List<RealComparison.Row> rows = RealComparison.compare(real, modeled);
    assertEquals(List.of("p50Ms", "p99Ms", "throughputPerSec", "avgPowerW"), rows.stream().map(RealComparison.Row::metric).toList());
    rows.forEach(r -> assertEquals(0.0, r.errPct(), 1e-3, r.toString()));
    assertTrue(RealComparison.toMarkdown(rows, 15).contains("2 of 2 p99 and throughput values within 15%"));

    // the "real" run half as fast: the model is off by -50% on throughput
    String slower = modeled.toCsv().replace(",sim,", ",cuda,");
    String[] lines = slower.split("\n");
    List<String> cols = List.of(lines[0].split(","));
    String[] f = lines[1].split(",");
    int thr = cols.indexOf("throughputPerSec");
    f[thr] = Double.toString(2 * Double.parseDouble(f[thr]));
    Files.writeString(real, lines[0] + "\n" + String.join(",", f) + "\n");
    RealComparison.Row t = RealComparison.compare(real, modeled).stream()
        .filter(r -> r.metric().equals("throughputPerSec")).findFirst().orElseThrow();
    assertEquals(-50.0, t.errPct(), 1e-3);
    assertTrue(!t.within(15));
  }

  @Test
  void severalRealRunsAreComparedByTheirMedian() throws Exception {
    RunResult modeled = Runner.run(solo());
    String csv = modeled.toCsv().replace(",sim,", ",cuda,");
    String[] lines = csv.split("\n");
    int thr = List.of(lines[0].split(",")).indexOf("throughputPerSec");
    List<Path> runs = new ArrayList<>();
    for (int k : new int[] {3, 1, 2}) { // throughput 3x, 1x, 2x the model's: median 2x, range 1x-3x
      String[] f = lines[1].split(",");
      f[thr] = Double.toString(k * Double.parseDouble(f[thr]));
      Path p = dir.resolve("run" + k + ".csv");
      Files.writeString(p, lines[0] + "\n" + String.join(",", f) + "\n");
      runs.add(p);
    }
    RealComparison.Row t = RealComparison.compare(runs, modeled).stream()
        .filter(r -> r.metric().equals("throughputPerSec")).findFirst().orElseThrow();
    double m = modeled.tenant("hp-infer").throughputPerSec();
    assertEquals(2 * m, t.real(), 1e-3 * m);
    assertEquals(m, t.realMin(), 1e-3 * m);
    assertEquals(3 * m, t.realMax(), 1e-3 * m);
    assertEquals(3, t.runs());
    assertTrue(RealComparison.toMarkdown(List.of(t), 15).contains("median of 3 real runs"));
  }

  @Test
  void aModeledCsvIsNotTakenForARealOne() throws Exception {
    RunResult modeled = Runner.run(solo());
    Path notReal = dir.resolve("x.csv");
    modeled.writeCsv(notReal);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealComparison.compare(notReal, modeled));
    assertTrue(e.getMessage().contains("x.csv") && e.getMessage().contains("cuda"), e.getMessage());
    Files.writeString(notReal, "policy,tenant\nmps,a\n");
    e = assertThrows(IllegalArgumentException.class, () -> RealComparison.compare(notReal, modeled));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("backend"), e.getMessage());
  }

  @Test
  void theAtomLogHasEveryAtomOnceWithOrderedTimes() throws Exception {
    AtomicReference<AtomLog> log = new AtomicReference<>();
    RunResult r = Runner.run(solo(), x -> {}, log::set);
    List<AtomLog.Entry> e = new ArrayList<>(log.get().entries());
    assertTrue(e.size() > 21 * r.tenant("hp-infer").completed(), "21 kernels per request, warm-up included");
    assertEquals(e.size(), e.stream().mapToLong(AtomLog.Entry::atomId).distinct().count());
    for (AtomLog.Entry x : e) {
      assertTrue(x.submitMs() <= x.launchMs() && x.launchMs() < x.startMs() && x.startMs() < x.endMs() && x.endMs() < x.seenMs(),
          x.toString());
    }
    Path csv = dir.resolve("atoms.csv");
    log.get().writeCsv(csv);
    assertEquals(e.size() + 1, Files.readAllLines(csv).size());
  }
}
