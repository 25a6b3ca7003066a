package io.lithosj.cli;

import io.lithosj.experiment.AtomLog;
import io.lithosj.experiment.KernelComparison;
import io.lithosj.experiment.RealComparison;
import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import io.lithosj.output.SafeOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lithos compare}: the modeled GPU against runs on the real one. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Runs the modeled GPU on each scenario and policy that has a real-GPU result in --real",
        "(<scenario>-<policy>.csv from 'lithos run --backend cuda -o DIR') and writes the comparison:",
        "OUT/comparison.md, .csv and .png|svg; the modeled runs' CSVs go to OUT/sim/. With several --real folders",
        "(repeated real runs) the model is compared with their median. Where a --real folder has atom logs",
        "(<scenario>-<policy>-atoms.csv[.gz] from --atom-log), OUT/kernels.md and .csv compare kernel by kernel",
        "and kernels.md lists each real run's host stalls."})
public final class CompareCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "The scenario files the real runs used.")
  List<Path> scenarioFiles;

  @Option(names = "--real", required = true, paramLabel = "DIR",
      description = "Folder of a real run's CSVs; repeat for repeated runs.") List<Path> realDirs;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", description = "Where the comparison goes (default: the first --real folder).")
  Path out;

  @Option(names = "--tolerance-pct", defaultValue = "15", description = "Model error counted as agreement, in percent (default: ${DEFAULT-VALUE}).")
  double tolerancePct;

  @Option(names = {"-q", "--quiet"}, description = "No progress output.") boolean quiet;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    for (Path d : realDirs) {
      if (!Files.isDirectory(d)) throw new IllegalArgumentException("--real: no folder " + d.toAbsolutePath());
    }
    Path realDir = realDirs.get(0);
    Path outDir = out != null ? out : realDir;
    // Before any simulation: the output folders are usable and no two scenarios share a file name.
    Map<Path, String> owners = new HashMap<>();
    for (Path f : scenarioFiles) {
      Scenario s = ScenarioLoader.load(f);
      for (String p : Policies.names()) {
        SafeOutput.checkDistinct(owners, SafeOutput.resultFile(outDir.resolve("sim"), s.nameOrDefault(), p, ".csv"),
            f + " (scenario '" + s.nameOrDefault() + "')");
      }
    }
    SafeOutput.checkDir(outDir);
    SafeOutput.checkDir(outDir.resolve("sim"));
    List<RealComparison.Row> rows = new ArrayList<>();
    List<KernelComparison.Row> kernels = new ArrayList<>();
    List<KernelComparison.Stalls> stalls = new ArrayList<>();
    Map<String, String> hashes = new java.util.LinkedHashMap<>();
    List<Path> written = new ArrayList<>();
    java.util.Set<String> where = new java.util.LinkedHashSet<>(); // for the figure's title: which GPUs, real and modeled
    for (Path f : scenarioFiles) {
      Scenario base = ScenarioLoader.load(f).withBackend("sim");
      int found = 0;
      for (String p : Policies.names()) {
        List<Path> real = realDirs.stream().map(d -> SafeOutput.resultFile(d, base.nameOrDefault(), p, ".csv"))
            .filter(Files::isRegularFile).toList();
        if (real.isEmpty()) continue;
        found++;
        Scenario s = base.withPolicy(p);
        Progress bar = quiet ? Progress.NONE : new Progress("modeled " + s.nameOrDefault() + " / " + p);
        List<Path> realLogs = realDirs.stream().map(d -> KernelComparison.logIn(d, base.nameOrDefault(), p)).filter(x -> x != null).toList();
        List<AtomLog.Entry> modeledAtoms = new ArrayList<>();
        RunResult r = Runner.run(s, bar::update, realLogs.isEmpty() ? null : log -> modeledAtoms.addAll(log.entries()));
        bar.done(String.format(Locale.ROOT, "%.0f ms in %.0f ms wall", r.durationMs(), r.wallMs()));
        Path simCsv = SafeOutput.resultFile(outDir.resolve("sim"), base.nameOrDefault(), p, ".csv");
        r.writeCsv(simCsv);
        written.add(simCsv);
        hashes.put(base.nameOrDefault() + "/" + p, io.lithosj.output.RunRecord.hash(s));
        rows.addAll(RealComparison.compare(real, r));
        where.add(io.lithosj.figures.Titles.where("cuda", RealComparison.gpuOf(real.get(0))));
        where.add(io.lithosj.figures.Titles.where(List.of(r)));
        if (!realLogs.isEmpty()) {
          kernels.addAll(KernelComparison.compare(base.nameOrDefault(), p, s.warmupMsOrDefault(), realLogs, modeledAtoms));
          for (Path log : realLogs) stalls.add(KernelComparison.hostStalls(base.nameOrDefault(), p, s.warmupMsOrDefault(), log));
        }
      }
      if (found == 0) {
        throw new IllegalArgumentException("no real results for scenario '" + base.nameOrDefault() + "' (" + f + ") in " + realDirs
            + ": expected " + SafeOutput.fileName(base.nameOrDefault()) + "-<policy>.csv written by 'lithos run --backend cuda -o " + realDir + "'");
      }
    }
    String md = RealComparison.toMarkdown(rows, tolerancePct);
    Files.createDirectories(outDir);
    write(outDir.resolve("comparison.md"), md);
    write(outDir.resolve("comparison.csv"), RealComparison.toCsv(rows, tolerancePct));
    io.lithosj.figures.Charts.save(io.lithosj.figures.Charts.realVsModeled("modeled against real: p99 and throughput, "
        + String.join(" vs ", where), rows,
        tolerancePct), outDir, "comparison");
    if (!kernels.isEmpty()) {
      write(outDir.resolve("kernels.md"), KernelComparison.toMarkdown(kernels, stalls));
      write(outDir.resolve("kernels.csv"), KernelComparison.toCsv(kernels));
    }
    for (String f : List.of("comparison.md", "comparison.csv", "comparison.png", "comparison.svg")) written.add(outDir.resolve(f));
    if (!kernels.isEmpty()) written.addAll(List.of(outDir.resolve("kernels.md"), outDir.resolve("kernels.csv")));
    io.lithosj.output.RunRecord.write(outDir.resolve("comparison.run.json"), LithosCli.typed(spec), written, hashes);
    System.out.print(md);
    System.out.println("wrote " + outDir.resolve("comparison.md") + ", comparison.csv and comparison.png|svg"
        + (kernels.isEmpty() ? "" : "; kernel by kernel from the atom logs: kernels.md, kernels.csv"));
    return 0;
  }

  private static void write(Path f, String text) {
    SafeOutput.write(f, text);
  }
}
