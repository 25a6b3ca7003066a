package io.lithosj.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.validation.Validation.Cell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replays a committed real result file through the whole comparison (modeled runs included, one
 * seed, short runs) and checks the cells and the count meeting issue 14's rule against a committed
 * expectation, so a model change that breaks (or improves) the match shows in CI without a GPU.
 *
 * <p>After a deliberate model change, rewrite the expectation and commit it with the change:
 * {@code mvn -o -pl lithos-core test -Dtest=ValidationReplayTest -Dlithosj.writeExpected=true}.
 */
class ValidationReplayTest {
  /** The replayed file: real runs on the H200 committed by the harness. */
  static final String REPLAYED = "results/validation/real/resnet50_mobilenetv2.jsonl";
  /** The synthetic fixture (made-up numbers in the harness's format) for the mapping tests. */
  static final String FIXTURE = "lithos-core/src/test/resources/validation/synthetic-fixture.jsonl";
  static final String PROBE = "results/validation/real/timeslice_probe.json";
  static final String ONLY = "resnet50+mobilenetv2@0.2";
  static final String EXPECTED = "lithos-core/src/test/resources/validation/expected-replay.csv";
  static final int SEEDS = 1;
  static final double MAX_DURATION_MS = 1000;

  /** Paths are from the repository root; tests may run from the module folder. */
  static Path repo(String p) {
    Path x = Path.of(p);
    return Files.exists(x) ? x : Path.of("..").resolve(p);
  }

  @Test
  void replayGivesTheCommittedCellsAndMetCount() throws Exception {
    List<RealRun> real = RealRun.read(List.of(repo(REPLAYED)));
    // as lithos validate runs it: time slicing calibrated by the committed probe
    Validation.Result r = Validation.run(real, new Validation.Options(repo("datasets/scenarios/validation"), SEEDS,
        MAX_DURATION_MS, 2, Set.of(ONLY), s -> {}, Map.of("time-slicing", TimeSliceProbe.read(repo(PROBE)).params())));
    Path expected = repo(EXPECTED);
    if (Boolean.getBoolean("lithosj.writeExpected")) {
      Files.writeString(expected, "# expected by ValidationReplayTest: " + REPLAYED + " " + ONLY + ", " + SEEDS + " seed(s), runs capped at "
          + (int) MAX_DURATION_MS + " ms; met " + r.met() + " of " + r.cells().size() + "\n" + ValidationReport.toCsv(r.cells()));
    }
    List<Cell> want = ValidationReport.readCsv(expected);
    String metLine = Files.readAllLines(expected).get(0);
    long wantMet = Long.parseLong(metLine.replaceFirst(".*; met (\\d+) of \\d+$", "$1"));
    assertEquals(want.size(), r.cells().size(), "cells: " + r.cells());
    for (int i = 0; i < want.size(); i++) {
      Cell w = want.get(i), g = r.cells().get(i);
      String at = w.pair() + " " + w.mechanism() + " " + w.metric();
      assertEquals(w.pair(), g.pair(), at);
      assertEquals(w.mechanism(), g.mechanism(), at);
      assertEquals(w.metric(), g.metric(), at);
      assertEquals(w.real(), g.real(), 1e-5 * Math.abs(w.real()), at + " real");
      // a few % absorbs a reordered floating-point sum in the simulator, not a model change
      assertEquals(w.modeled(), g.modeled(), 0.03 * Math.abs(w.modeled()), at + " modeled");
      assertEquals(w.realStable(), g.realStable(), at + " real_stable");
      assertEquals(w.modeledStable(), g.modeledStable(), at + " modeled_stable");
    }
    assertEquals(wantMet, r.met(), "cells meeting the rule");
    assertTrue(ValidationReport.toMarkdown(r).contains("**" + wantMet + " of " + r.cells().size() + " cells meet the rule.**"));
  }
}
