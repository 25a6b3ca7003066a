package io.lithosj.cli;

import io.lithosj.output.RunRecord;
import io.lithosj.home.LithosHome;
import io.lithosj.validation.RealRun;
import io.lithosj.validation.TimeSliceProbe;
import io.lithosj.validation.Validation;
import io.lithosj.validation.ValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lithos validate}: the validation set's real runs beside the modeled GPU (issue 14). */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Reads the real-stacking harness's JSON lines (--real), runs the same pairs, loads and mechanisms on the",
        "modeled GPU from SCENARIOS/<pair>-<load>.json (each HP tenant at the real run's arrival rate; green-split as",
        "mig with TPC quotas = the real SMs / 2) and writes OUT/comparison.csv (pair, load, mechanism, metric, real,",
        "modeled, real_stable, modeled_stable), comparison.md (cells meeting issue 14's tolerances) and comparison.png."})
public final class ValidateCommand implements Callable<Integer> {
  @Option(names = "--real", paramLabel = "FILE|DIR",
      description = "Real results: .jsonl files or folders of them; repeatable (default: the repository's results/validation/real).")
  List<Path> real;

  @Option(names = "--scenarios", paramLabel = "DIR",
      description = "The modeled scenarios, <pair>-<load>.json (default: the repository's datasets/scenarios/validation).")
  Path scenarios;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", defaultValue = "results/validation",
      description = "Where comparison.csv|md|png go, relative to the working directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seeds", defaultValue = "3", description = "Modeled runs per mechanism, seeds from the scenario's (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--max-duration-ms", defaultValue = "0",
      description = "Cap on a modeled run's length, warm-up scaled alike; 0 = the real run's (default: ${DEFAULT-VALUE}).")
  double maxDurationMs;

  @Option(names = "--only", paramLabel = "PAIR@LOAD", split = ",", description = "Only these, e.g. resnet50+mobilenetv2@0.2 (default: every pair and load).")
  Set<String> only;

  @Option(names = {"-j", "--threads"}, description = "Parallel modeled runs (default: all cores).")
  Integer threads;

  @Option(names = "--timeslice-probe", paramLabel = "FILE",
      description = "The real GPU's time slice and switch cost (validation/timeslice_probe.py) for the time-slicing policy, "
          + "used when the file exists (default: the repository's results/validation/real/timeslice_probe.json).")
  Path timeslice;

  @Option(names = {"-q", "--quiet"}, description = "No progress output.") boolean quiet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    io.lithosj.output.SafeOutput.checkDir(out); // before the long runs, with the system's reason
    // defaults name the repository's committed inputs, wherever the command runs from
    if (real == null) real = List.of(LithosHome.resolve("results/validation/real"));
    if (scenarios == null) scenarios = LithosHome.resolve("datasets/scenarios/validation");
    if (timeslice == null) timeslice = LithosHome.resolve("results/validation/real/timeslice_probe.json");
    List<RealRun> runs = RealRun.read(real);
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Map<String, Map<String, Object>> calibrated = new LinkedHashMap<>();
    String calibration = "time-slicing: the policy's defaults (no probe at " + timeslice + ")";
    if (Files.isRegularFile(timeslice)) {
      TimeSliceProbe p = TimeSliceProbe.read(timeslice);
      calibrated.put("time-slicing", p.params());
      calibration = p.describe();
    }
    Validation.Result r = Validation.run(runs, new Validation.Options(scenarios, seeds, maxDurationMs, t, only,
        quiet ? s -> {} : System.err::println, calibrated));
    r.notes().add(0, calibration);
    ValidationReport.write(r, out);
    RunRecord.write(out.resolve("comparison.run.json"), LithosCli.typed(spec),
        List.of(out.resolve("comparison.csv"), out.resolve("comparison.md"), out.resolve("comparison.png")),
        Map.of(scenarios.toString(), RunRecord.hash(scenarios)));
    System.out.printf(Locale.ROOT, "%d of %d cells meet issue 14's tolerances; wrote %s, comparison.md, comparison.png%n",
        r.met(), r.cells().size(), out.resolve("comparison.csv"));
    return 0;
  }
}
