package io.lithosj.spark;

import io.lithosj.output.SafeOutput;
import io.lithosj.sweep.SweepPlan;
import io.lithosj.sweep.SweepResult;
import io.lithosj.sweep.SweepSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import io.lithosj.output.RunRecord;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lithos sweep SWEEP.json}: every point of a sweep as a Spark task, gathered into one table. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Run a sweep (base scenario x axes x policies; lithos-spark/README.md) with each point a Spark task.",
        "Writes OUT/<sweep>.csv and OUT/<sweep>.parquet/, one row per point and tenant, sorted by point",
        "(and OUT/<sweep>.run.json: version, commit, command line, the sweep file's SHA-256):",
        "identical whatever the master, the partitioning or the thread count."})
final class SweepCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SWEEP", description = "Sweep file (.json).") Path file;

  @Mixin RunOptions run;

  @Option(names = "--partitions", defaultValue = "0", description = "Spark tasks, each a run of consecutive points (default: ${DEFAULT-VALUE}, one per point).")
  int partitions;

  @Option(names = {"-o", "--out"}, defaultValue = "out/sweeps", description = "Output folder (default: ${DEFAULT-VALUE}).") Path out;

  @Option(names = "--no-parquet", description = "Write the CSV only, no Parquet.") boolean noParquet;

  @Override
  public Integer call() {
    SweepPlan plan = SweepPlan.of(SweepSpec.load(file)); // every point checked before Spark starts
    SafeOutput.checkDir(out);
    Consumer<String> progress = run.progress("sweep");
    System.err.printf(Locale.ROOT, "sweep %s: %d points, %.1f simulated s, on %s%n", plan.name(), plan.points().size(),
        plan.simulatedSeconds(), run.where());
    long t0 = System.nanoTime();
    SweepResult result;
    Path csv = SafeOutput.inside(out, SafeOutput.fileName(plan.name()) + ".csv");
    if (run.inProcess) {
      result = run.localRunner().sweep(plan, progress);
      result.writeCsv(csv);
    } else {
      try (SparkRunner spark = SparkRunner.start(run.master)) {
        System.err.printf(Locale.ROOT, "sweep: Spark session on %s in %.1f s%n", spark.master(), (System.nanoTime() - t0) / 1e9);
        result = spark.withPartitions(partitions).sweep(plan, progress);
        result.writeCsv(csv);
        if (!noParquet) {
          Path parquet = SafeOutput.inside(out, SafeOutput.fileName(plan.name()) + ".parquet");
          ParquetTable.write(spark.session(), result, parquet);
          System.out.println("wrote " + parquet);
        }
      }
    }
    double wallS = (System.nanoTime() - t0) / 1e9;
    Path parquet = SafeOutput.inside(out, SafeOutput.fileName(plan.name()) + ".parquet");
    // beside the outputs, as for every command: version, commit, command line, and the sweep file's hash
    RunRecord.write(SafeOutput.inside(out, SafeOutput.fileName(plan.name()) + ".run.json"), run.typed(),
        run.inProcess || noParquet ? List.of(csv) : List.of(csv, parquet), Map.of(plan.name(), RunRecord.hash(file)));
    System.out.println("wrote " + csv);
    System.out.printf(Locale.ROOT, "%d points, %d rows in %.1f s wall: %.2f simulated s per wall s%n", plan.points().size(),
        result.rows().size(), wallS, plan.simulatedSeconds() / wallS);
    return 0;
  }
}
