package io.lithosj.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.fleet.FleetResult;
import io.lithosj.fleet.FleetSpec;
import io.lithosj.fleet.FleetStudy;
import io.lithosj.sweep.LocalRunner;
import io.lithosj.sweep.Runners;
import io.lithosj.sweep.SweepPlan;
import io.lithosj.sweep.SweepResult;
import io.lithosj.sweep.SweepSpec;
import io.lithosj.sweep.Sweeps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small sweep and a small fleet on embedded Spark (local[2]) equal the in-process runs, whatever the partitioning. */
class SparkStudyTest {
  static SparkRunner spark;
  static final Path REPO = Path.of(System.getProperty("lithos.repo.root", ".."));

  @BeforeAll
  static void start() { spark = SparkRunner.start("local[2]"); }

  @AfterAll
  static void stop() { if (spark != null) spark.close(); }

  static SweepPlan plan() throws Exception {
    Path f = Path.of(SparkStudyTest.class.getResource("/tiny-sweep.json").toURI());
    return SweepPlan.of(SweepSpec.load(f));
  }

  @Test
  void sweepOnSparkEqualsInProcessBitForBitAndParquetHoldsTheSameRows(@TempDir Path dir) throws Exception {
    SweepPlan plan = plan();
    assertEquals(2 + 4, plan.points().size());
    SweepResult local = new LocalRunner(1).sweep(plan, s -> {});
    List<String> progress = new CopyOnWriteArrayList<>();
    SweepResult perPoint = spark.sweep(plan, progress::add);
    SweepResult threeTasks = spark.withPartitions(3).sweep(plan, s -> {});
    assertEquals(local, perPoint);
    assertEquals(local, threeTasks);
    assertEquals(local.toCsv(), perPoint.toCsv());
    assertEquals(local.toCsv(), threeTasks.toCsv());
    assertEquals("local[2]", spark.master());
    // progress: one line per point, all heard by the time the sweep returns
    assertEquals(plan.points().size(), progress.size(), progress.toString());

    Path parquet = dir.resolve("tiny.parquet");
    ParquetTable.write(spark.session(), perPoint, parquet);
    assertTrue(Files.exists(parquet.resolve("_SUCCESS")));
    List<Row> back = spark.session().read().parquet(parquet.toString()).collectAsList();
    assertEquals(ParquetTable.frame(spark.session(), local).collectAsList(), back);
    assertEquals(List.of("point", "policy", "perPolicy.lithos.atomTargetMs", "seed", "tenant"),
        List.of(spark.session().read().parquet(parquet.toString()).columns()).subList(0, 5));
  }

  @Test
  void fleetOnSparkEqualsInProcess() throws Exception {
    FleetSpec spec = FleetSpec.load(REPO.resolve("datasets/fleets/tiny-fleet.json"));
    FleetResult local = FleetStudy.run(spec, new LocalRunner(1), s -> {});
    FleetResult onSpark = FleetStudy.run(spec, spark, s -> {});
    assertEquals(local.summaryCsv(), onSpark.summaryCsv());
    assertEquals(local.gpuCsv(), onSpark.gpuCsv());
    assertTrue(local.summaries().get(1).gpus() > local.summaries().get(2).gpus(), local.summaryCsv()); // mps > lithos
  }

  @Test
  void notebookApiReachesSparkByMasterName() throws Exception {
    // the notebook API (lithos-core) finds this module by reflection; the session is the running one
    assertTrue(Runners.of("local[2]") instanceof SparkRunner);
    Path f = Path.of(SparkStudyTest.class.getResource("/tiny-sweep.json").toURI());
    assertEquals(Sweeps.run(f, Runners.IN_PROCESS), Sweeps.run(f, "local[2]"));
  }
}
