package io.lithosj.cli;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lithos run scenario.json}: run a scenario, print its table, write its CSV. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a scenario file (JSON or YAML) and print per-tenant results; writes CSV.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario file (.json, .yaml)")
  Path scenarioFile;

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
    Scenario base = ScenarioLoader.load(scenarioFile);
    if (seed != null) base = base.withSeed(seed);
    if (backend != null) base = base.withBackend(backend);
    if (gpu != null) base = base.withGpu(gpu);
    List<String> names = policies == null ? List.of(base.policyName())
        : policies.contains("all") ? Policies.names() : policies;
    List<RunResult> results = new ArrayList<>();
    for (String p : names) {
      Scenario s = p.equals(base.policyName()) ? base : base.withPolicy(p);
      Progress bar = quiet ? Progress.NONE : new Progress(s.nameOrDefault() + " / " + p);
      Path atoms = out.resolve(s.nameOrDefault() + "-" + p + "-atoms.csv");
      RunResult r = Runner.run(s, bar::update, atomLog ? log -> log.writeCsv(atoms) : null);
      bar.done(String.format(java.util.Locale.ROOT, "%.0f ms simulated in %.0f ms wall, %d events",
          r.durationMs(), r.wallMs(), r.events()));
      results.add(r);
      Path csv = out.resolve(s.nameOrDefault() + "-" + p + ".csv");
      r.writeCsv(csv);
      System.out.println(r.table().printAll());
      if (!r.policyMetrics().isEmpty()) System.out.println("policy metrics: " + r.policyMetrics());
      if (!r.backendInfo().isEmpty()) System.out.println("backend: " + r.backendInfo());
      System.out.println("wrote " + csv);
    }
    return 0;
  }
}
