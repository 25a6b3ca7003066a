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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lithos run scenario.json}: run a scenario, print its table, write its CSV. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run scenario files (JSON or YAML) and print per-tenant results; writes OUT/<scenario>-<policy>.csv.",
        "File names keep [A-Za-z0-9._+-] of the scenario's name and replace every other character with '_';",
        "two runs of one command that would write the same file are an error before anything runs."})
final class RunCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario files (.json, .yaml)")
  List<Path> scenarioFiles;

  @Option(names = {"-p", "--policy"}, split = ",", paramLabel = "NAME",
      description = {"policy to use instead of the file's; comma-separated for several, 'all' for every policy",
          "(with 'all', a policy that cannot serve the scenario, e.g. MIG with more than 7 tenants, is skipped with the reason)"})
  List<String> policies;

  @Spec CommandSpec spec;

  @Option(names = "--seed", description = "seed instead of the file's") Long seed;

  @Option(names = "--backend", description = "sim (modeled GPU) or cuda (real GPU)") String backend;

  @Option(names = "--gpu", description = "GPU model instead of the file's (h100-sxm, h200, a100-40gb)") String gpu;

  @Option(names = "--calibration", paramLabel = "DIR",
      description = {"model the GPU from DIR/calibration.json (what 'lithos calibrate' measured on a GPU of the scenario's model):",
          "its bandwidth, launch overhead and power envelope; on --backend cuda also its replay costs"})
  Path calibration;

  @Option(names = {"-o", "--out"}, description = "CSV output folder (default: results/ in the working directory)", defaultValue = "results")
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
    List<String> skipped = new ArrayList<>();
    checkPolicyNames();
    for (Path file : scenarioFiles) {
      Scenario base = ScenarioLoader.load(file);
      if (seed != null) base = base.withSeed(seed);
      if (backend != null) base = base.withBackend(backend);
      if (gpu != null) base = base.withGpu(gpu);
      if (calibration != null) base = base.withCalibration(calibration.toAbsolutePath().normalize().toString());
      List<String> names = policies == null ? List.of(base.policyName())
          : policies.contains("all") ? Policies.names() : new ArrayList<>(new LinkedHashSet<>(policies));
      for (String p : names) {
        Scenario s = p.equals(base.policyName()) ? base : base.withPolicy(p);
        String why = cannotServe(s);
        if (why != null) {
          String what = "policy " + p + " for " + file + " (scenario '" + s.nameOrDefault() + "'): " + why;
          if (policies == null || !policies.contains("all")) throw new IllegalArgumentException("cannot run " + what);
          skipped.add(what);
          spec.commandLine().getErr().println("lithos: skipping " + what);
          continue;
        }
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
    // said again at the end: the tables above push the first notice out of sight
    for (String what : skipped) spec.commandLine().getErr().println("lithos: not run: " + what);
    spec.commandLine().getErr().flush();
    return 0;
  }

  /** Every {@code -p} name is a policy or {@code all}: a typo beside {@code all} is no less a typo. */
  private void checkPolicyNames() {
    if (policies == null) return;
    for (String p : policies) {
      if (!p.equals("all") && !Policies.names().contains(p)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown policy '" + p + "' in -p (known: " + String.join(", ", Policies.names()) + ", or all)");
      }
    }
  }

  /** The policy's reason it cannot serve this scenario at all, or null; the scenario is checked first. */
  private static String cannotServe(Scenario s) {
    return Policies.create(s.policyName(), s.policyParams()).cannotServe(s.gpuSpec(), s.tenantSpecs());
  }
}
