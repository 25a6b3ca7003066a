package io.lithosj.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduce pipeline end to end on small stand-in scenarios (the real paper scenarios take
 * minutes): every experiment runs, every figure and data table is written, every headline row is
 * measured, and the table is the same on a second run.
 */
class ReproductionTest {
  @TempDir Path out;

  @Test
  void everyExperimentWritesItsFiguresAndHeadlineRows() throws Exception {
    Path scenarios = Path.of(getClass().getResource("/paper-mini/plan.json").toURI()).getParent();
    Reproduction.Options o = Reproduction.Options.defaults().withGpus(List.of("h100-sxm")).withOutDir(out)
        .withScenarioDir(scenarios).withQuick(true).withThreads(2).withLog(s -> {});
    List<HeadlineRow> rows = Reproduction.run(o);
    assertEquals(3 + 3 + 2 + 1 + 1, rows.size()); // inference stacking, hybrid, right-sizing x2, power, Table 1 (one job)
    for (HeadlineRow r : rows) {
      assertTrue(Double.isFinite(r.measuredValue()), r.claim() + " = " + r.measuredValue());
      assertTrue(r.low() <= r.measuredValue() && r.measuredValue() <= r.high(), r.claim() + ": the mean lies in its interval");
    }
    assertTrue(rows.stream().filter(r -> r.experiment().equals("inference-stacking")).allMatch(r -> r.seeds() == 2),
        "stacking values come from every seed of the plan");
    for (String f : List.of("inference-stacking-fig16-resnet50", "inference-stacking-roles", "hybrid-hp-tail", "hybrid-aggregate",
        "atomization-training", "atomization-inference", "rightsizing", "rightsizing-search", "power")) {
      assertTrue(Files.size(out.resolve("h100-sxm-" + f + ".png")) > 10_000, f + ".png");
      assertTrue(Files.exists(out.resolve("h100-sxm-" + f + ".svg")), f + ".svg");
    }
    List<String> csv = Files.readAllLines(out.resolve("headline.csv"));
    assertEquals(HeadlineRow.CSV_HEADER, csv.get(0));
    assertEquals(rows.size() + 1, csv.size());
    assertTrue(Files.exists(out.resolve("data/h100-sxm-hybrid.csv")));
    assertTrue(Files.readString(out.resolve("table1-a100-40gb.md")).contains("| dlrm |"));

    Path again = out.resolve("again");
    Reproduction.run(o.withOutDir(again).withThreads(1));
    assertEquals(csv, Files.readAllLines(again.resolve("headline.csv")), "deterministic, whatever the thread count");
  }
}
