package io.lithosj.cli;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import io.lithosj.output.SafeOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lithos run scenario.json}: run a scenario, print its table, write its CSV. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run scenario files (JSON or YAML) and print per-tenant results; writes OUT/<scenario>-<policy>.csv.",
        "File names keep [A-Za-z0-9._+-] of the scenario's name and replace every other character with '_';",
        "two runs of one command that would write the same file are an error before anything runs."})
final class RunCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario files (.json, .yaml)")
  List<Path> scenarioFiles;

  @Option(names = {"-p", "--policy"}, split = ",", paramLabel = "NAME",
      description = "policy to use instead of the file's; comma-separated for several, 'all' for every policy")
  List<String> policies;

  @Option(names = "--seed", description = "seed instead of the file's") Long seed;

  @Option(names = "--backend", description = "sim (modeled GPU) or cuda (real GPU)") String backend;

  @Option(names = "--gpu", description = "GPU model instead of the file's (h100-sxm, h200, a100-40gb)") String gpu;

  @Option(names = {"-o", "--out"}, description = "CSV output folder (default: results/)", defaultValue = "results")
  Path out;

  @Option(names = {"-q", "--quiet"}, description = "no progress output") boolean quiet;

  @Option(names = "--atom-log", description = "also write every atom's timing to <out>/<scenario>-<policy>-atoms.csv")
  boolean atomLog;

  @Override
  public Integer call() {
    // Everything that can be checked is checked before the first simulation: scenarios, file names, the folder.
    record Planned(Path source, Scenario scenario, String policy, Path csv, Path atoms) {}
    List<Planned> plan = new ArrayList<>();
    Map<Path, String> owners = new HashMap<>();
    for (Path file : scenarioFiles) {
      Scenario base = ScenarioLoader.load(file);
      if (seed != null) base = base.withSeed(seed);
      if (backend != null) base = base.withBackend(backend);
      if (gpu != null) base = base.withGpu(gpu);
      List<String> names = policies == null ? List.of(base.policyName())
          : policies.contains("all") ? Policies.names() : new ArrayList<>(new LinkedHashSet<>(policies));
      for (String p : names) {
        Scenario s = p.equals(base.policyName()) ? base : base.withPolicy(p);
        Path csv = SafeOutput.resultFile(out, s.nameOrDefault(), p, ".csv");
        Path atoms = SafeOutput.resultFile(out, s.nameOrDefault(), p, "-atoms.csv");
        String owner = file + " (scenario '" + s.nameOrDefault() + "', policy " + p + ")";
        SafeOutput.checkDistinct(owners, csv, owner);
        if (atomLog) SafeOutput.checkDistinct(owners, atoms, owner);
        plan.add(new Planned(file, s, p, csv, atoms));
      }
    }
    SafeOutput.checkDir(out);
    for (Planned run : plan) {
      Scenario s = run.scenario();
      String p = run.policy();
      Progress bar = quiet ? Progress.NONE : new Progress(s.nameOrDefault() + " / " + p);
      RunResult r = Runner.run(s, bar::update, atomLog ? log -> log.writeCsv(run.atoms()) : null);
      bar.done(String.format(java.util.Locale.ROOT, "%.0f ms simulated in %.0f ms wall, %d events",
          r.durationMs(), r.wallMs(), r.events()));
      r.writeCsv(run.csv());
      System.out.println(r.table().printAll());
      if (!r.policyMetrics().isEmpty()) System.out.println("policy metrics: " + r.policyMetrics());
      if (!r.backendInfo().isEmpty()) System.out.println("backend: " + r.backendInfo());
      System.out.println("wrote " + run.csv());
    }
    return 0;
  }
}
