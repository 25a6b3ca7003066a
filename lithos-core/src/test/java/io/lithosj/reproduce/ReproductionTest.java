package io.lithosj.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

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
    }
    headlineIsWhatTheDataSays(rows, out.resolve("data/h100-sxm-inference-stacking.csv"));
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

  /**
   * The inference-stacking rows recomputed from the per-run data file the same run wrote: per seed,
   * the geomean over cases of HP-A's p99 (its lower bound when unstable) and the mean over cases of
   * the sum of the tenants' normalised goodput; the headline value is the mean over seeds of the
   * per-seed ratio.
   */
  private static void headlineIsWhatTheDataSays(List<HeadlineRow> rows, Path data) throws Exception {
    Table t = Table.read().csv(CsvReadOptions.builder(data.toFile()).build());
    Map<String, Map<Integer, List<Double>>> tail = new TreeMap<>();
    Map<String, Map<Integer, Map<String, Double>>> agg = new TreeMap<>();
    for (Row row : t) {
      String pol = row.getString("policy");
      int seed = row.getInt("seed");
      if (row.getString("tenant").equals("hp-a")) {
        tail.computeIfAbsent(pol, k -> new TreeMap<>()).computeIfAbsent(seed, k -> new ArrayList<>()).add(row.getDouble("p99LowerBoundMs"));
      }
      agg.computeIfAbsent(pol, k -> new TreeMap<>()).computeIfAbsent(seed, k -> new TreeMap<>())
          .merge(row.getString("case"), row.getDouble("normalizedGoodput"), Double::sum);
    }
    HeadlineRow vsBest = rows.stream().filter(r -> r.experiment().equals("inference-stacking") && r.claim().contains("best other / LithOS"))
        .findFirst().orElseThrow();
    String best = vsBest.detail().replaceAll(".*best other by tail = (\\S+) .*", "$1");
    assertTrue(tail.containsKey(best), "best other '" + best + "' is a policy of the data: " + vsBest.detail());
    double tailRatio = 0;
    double aggRatio = 0;
    for (int seed : tail.get("lithos").keySet()) {
      tailRatio += geomean(tail.get(best).get(seed)) / geomean(tail.get("lithos").get(seed));
      aggRatio += mean(agg.get("lithos").get(seed).values()) / mean(agg.get(best).get(seed).values());
    }
    int seeds = tail.get("lithos").size();
    assertEquals(tailRatio / seeds, vsBest.measuredValue(), 1e-6 * vsBest.measuredValue(), vsBest.claim());
    HeadlineRow aggRow = rows.stream().filter(r -> r.experiment().equals("inference-stacking") && r.claim().contains("goodput"))
        .findFirst().orElseThrow();
    assertEquals(aggRatio / seeds, aggRow.measuredValue(), 1e-6 * aggRow.measuredValue(), aggRow.claim());
  }

  private static double geomean(List<Double> v) {
    return Math.exp(v.stream().mapToDouble(Math::log).average().orElseThrow());
  }

  private static double mean(java.util.Collection<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
