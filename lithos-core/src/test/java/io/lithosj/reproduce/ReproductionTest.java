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
    Path scenarios = Path.of(getClass().getResource("/paper-mini/hybrid.json").toURI()).getParent();
    Reproduction.Options o = Reproduction.Options.defaults().withGpus(List.of("h100-sxm")).withOutDir(out)
        .withScenarioDir(scenarios).withQuick(true).withThreads(2).withLog(s -> {});
    List<HeadlineRow> rows = Reproduction.run(o);
    assertEquals(3 + 3 + 3 + 2 + 1, rows.size());
    for (HeadlineRow r : rows) assertTrue(Double.isFinite(r.measuredValue()), r.claim() + " = " + r.measuredValue());
    for (String f : List.of("inference-latency-p99", "inference-latency-throughput", "inference-latency-cdf", "hybrid-p99",
        "atomization", "atomization-inference", "rightsizing", "rightsizing-search", "power")) {
      assertTrue(Files.size(out.resolve("h100-sxm-" + f + ".png")) > 10_000, f + ".png");
      assertTrue(Files.exists(out.resolve("h100-sxm-" + f + ".svg")), f + ".svg");
    }
    List<String> csv = Files.readAllLines(out.resolve("headline.csv"));
    assertEquals(HeadlineRow.CSV_HEADER, csv.get(0));
    assertEquals(rows.size() + 1, csv.size());
    assertTrue(Files.exists(out.resolve("data/h100-sxm-hybrid.csv")));

    Path again = out.resolve("again");
    Reproduction.run(o.withOutDir(again).withThreads(1));
    assertEquals(csv, Files.readAllLines(again.resolve("headline.csv")), "deterministic, whatever the thread count");
  }
}
