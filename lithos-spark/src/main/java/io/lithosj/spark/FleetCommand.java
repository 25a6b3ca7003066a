package io.lithosj.spark;

import io.lithosj.fleet.FleetResult;
import io.lithosj.fleet.FleetSpec;
import io.lithosj.fleet.FleetStudy;
import io.lithosj.output.SafeOutput;
import io.lithosj.report.TextTable;
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

/** {@code lithos fleet FLEET.json}: GPUs needed per policy for a fleet of services and training jobs. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = {"Pack a fleet (services and training jobs in counts; lithos-spark/README.md) onto GPUs for each policy:",
        "first-fit decreasing on solo utilisation, every GPU's stack checked by simulation (each a Spark task), a GPU",
        "missing an SLO split and checked again. Prints GPUs needed per policy; writes OUT/<fleet>-summary.csv, -gpus.csv",
        "and OUT/<fleet>.run.json (version, commit, command line, the fleet file's SHA-256)."})
final class FleetCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FLEET", description = "Fleet file (.json).") Path file;

  @Mixin RunOptions run;

  @Option(names = {"-o", "--out"}, defaultValue = "out/fleet", description = "Output folder (default: ${DEFAULT-VALUE}).") Path out;

  @Override
  public Integer call() {
    FleetSpec spec = FleetSpec.load(file);
    SafeOutput.checkDir(out);
    Consumer<String> progress = run.progress("fleet");
    long t0 = System.nanoTime();
    FleetResult r;
    if (run.inProcess) {
      r = FleetStudy.run(spec, run.localRunner(), progress);
    } else {
      try (SparkRunner spark = SparkRunner.start(run.master)) {
        r = FleetStudy.run(spec, spark, progress);
      }
    }
    Path summary = SafeOutput.inside(out, SafeOutput.fileName(spec.name()) + "-summary.csv");
    Path gpus = SafeOutput.inside(out, SafeOutput.fileName(spec.name()) + "-gpus.csv");
    SafeOutput.write(summary, r.summaryCsv());
    SafeOutput.write(gpus, r.gpuCsv());
    RunRecord.write(SafeOutput.inside(out, SafeOutput.fileName(spec.name()) + ".run.json"), run.typed(), List.of(summary, gpus),
        Map.of(spec.name(), RunRecord.hash(file)));
    System.out.println(TextTable.render(r.summaryTable()));
    System.out.printf(Locale.ROOT, "%d simulations in %d rounds, %.1f s wall; wrote %s and %s%n", r.simulations(), r.rounds(),
        (System.nanoTime() - t0) / 1e9, summary, gpus);
    return 0;
  }
}
