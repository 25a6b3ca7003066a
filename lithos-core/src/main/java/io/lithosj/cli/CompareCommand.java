package io.lithosj.cli;

import io.lithosj.experiment.RealComparison;
import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lithos compare}: the modeled GPU against runs on the real one. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Runs the modeled GPU on each scenario and policy that has a real-GPU result in --real",
        "(<scenario>-<policy>.csv from 'lithos run --backend cuda -o DIR') and writes the comparison:",
        "DIR/comparison.md and .csv; the modeled runs' CSVs go to DIR/sim/."})
public final class CompareCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "the scenario files the real runs used")
  List<Path> scenarioFiles;

  @Option(names = "--real", required = true, paramLabel = "DIR", description = "folder of the real runs' CSVs") Path realDir;

  @Option(names = "--tolerance-pct", defaultValue = "15", description = "model error counted as agreement (default: ${DEFAULT-VALUE})")
  double tolerancePct;

  @Option(names = {"-q", "--quiet"}, description = "no progress output") boolean quiet;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(realDir)) throw new IllegalArgumentException("--real: no folder " + realDir.toAbsolutePath());
    List<RealComparison.Row> rows = new ArrayList<>();
    for (Path f : scenarioFiles) {
      Scenario base = ScenarioLoader.load(f).withBackend("sim");
      int found = 0;
      for (String p : Policies.names()) {
        Path real = realDir.resolve(base.nameOrDefault() + "-" + p + ".csv");
        if (!Files.isRegularFile(real)) continue;
        found++;
        Scenario s = base.withPolicy(p);
        Progress bar = quiet ? Progress.NONE : new Progress("modeled " + s.nameOrDefault() + " / " + p);
        RunResult r = Runner.run(s, bar::update);
        bar.done(String.format(Locale.ROOT, "%.0f ms in %.0f ms wall", r.durationMs(), r.wallMs()));
        r.writeCsv(realDir.resolve("sim").resolve(s.nameOrDefault() + "-" + p + ".csv"));
        rows.addAll(RealComparison.compare(real, r));
      }
      if (found == 0) {
        throw new IllegalArgumentException("no real results for scenario '" + base.nameOrDefault() + "' (" + f + ") in " + realDir
            + ": expected " + base.nameOrDefault() + "-<policy>.csv written by 'lithos run --backend cuda -o " + realDir + "'");
      }
    }
    String md = RealComparison.toMarkdown(rows, tolerancePct);
    write(realDir.resolve("comparison.md"), md);
    write(realDir.resolve("comparison.csv"), RealComparison.toCsv(rows, tolerancePct));
    System.out.print(md);
    System.out.println("wrote " + realDir.resolve("comparison.md") + " and comparison.csv");
    return 0;
  }

  private static void write(Path f, String text) {
    try {
      Files.writeString(f, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + f, e);
    }
  }
}
