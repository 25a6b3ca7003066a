package io.lithosj.cli;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.os.Policies;
import io.lithosj.output.RunRecord;
import io.lithosj.output.SafeOutput;
import io.lithosj.report.Comparison;
import io.lithosj.report.Suggestions;
import io.lithosj.report.TextTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

/**
 * {@code lithos run scenario.json}: run a scenario, print its tables, write its CSV. With several
 * policies it prints one comparison (tenant x policy, against each tenant alone) instead of a table per run.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run scenario files (JSON or YAML) and print per-tenant results; writes OUT/<scenario>-<policy>.csv "
        + "and, beside it, OUT/<scenario>-<policy>.run.json (toolkit version, git commit, command line, scenario hash).",
        "With several policies, also runs each tenant alone and prints one comparison (one row per tenant and policy), "
            + "written to OUT/<scenario>-comparison.csv.",
        "File names keep [A-Za-z0-9._+-] of the scenario's name and replace every other character with '_'; "
            + "two runs of one command that would write the same file are an error before anything runs."})
final class RunCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "Scenario files (.json, .yaml).")
  List<Path> scenarioFiles;

  @Option(names = {"-p", "--policy"}, split = ",", paramLabel = "NAME",
      description = {"Policy to use instead of the file's; comma-separated for several, 'all' for every policy "
          + "(with 'all', a policy that cannot serve the scenario, e.g. MIG with more than 7 tenants, is skipped with the reason).",
          "Default: the scenario's policy."})
  List<String> policies;

  @Spec CommandSpec spec;

  @Option(names = "--seed", description = "Seed instead of the file's (default: the file's seed, else 1).") Long seed;

  @Option(names = "--backend", description = "sim (modeled GPU) or cuda (real GPU) (default: the file's backend, else sim).")
  String backend;

  @Option(names = "--gpu", description = "GPU model instead of the file's: h100-sxm, h200 or a100-40gb (default: the file's GPU).")
  String gpu;

  @Option(names = "--duration-ms", paramLabel = "MS",
      description = "Measured window instead of the file's durationMs; the warm-up is scaled with it (default: the file's).")
  Double durationMs;

  @Option(names = "--calibration", paramLabel = "DIR",
      description = {"Model the GPU from DIR/calibration.json (what 'lithos calibrate' measured on a GPU of the scenario's model):",
          "its bandwidth, launch overhead and power envelope; on --backend cuda also its replay costs (default: none, the preset)."})
  Path calibration;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", defaultValue = "out",
      description = "Output folder, relative to the working directory (default: ${DEFAULT-VALUE}/; git ignores out/ in the repository).")
  Path out;

  @Option(names = {"-q", "--quiet"}, description = "No progress output.") boolean quiet;

  @Option(names = "--atom-log", description = "Also write every atom's timing to OUT/<scenario>-<policy>-atoms.csv.")
  boolean atomLog;

  @Override
  public Integer call() {
    // Everything that can be checked is checked before the first simulation: scenarios, file names, the folder.
    record Planned(Path source, Scenario scenario, String policy, Path csv, Path atoms, Path record) {}
    List<Planned> plan = new ArrayList<>();
    Map<Path, String> owners = new HashMap<>();
    List<String> skipped = new ArrayList<>();
    checkPolicyNames();
    Map<Path, Scenario> bases = new LinkedHashMap<>();
    for (Path file : scenarioFiles) {
      Scenario base = overridden(ScenarioLoader.load(file));
      bases.put(file, base);
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
        Path record = SafeOutput.resultFile(out, s.nameOrDefault(), p, ".run.json");
        String owner = file + " (scenario '" + s.nameOrDefault() + "', policy " + p + ")";
        SafeOutput.checkDistinct(owners, csv, owner);
        if (atomLog) SafeOutput.checkDistinct(owners, atoms, owner);
        plan.add(new Planned(file, s, p, csv, atoms, record));
      }
    }
    SafeOutput.checkDir(out);
    String commandLine = commandLine();
    Map<Path, List<RunResult>> byFile = new LinkedHashMap<>();
    for (Planned run : plan) {
      Scenario s = run.scenario();
      String p = run.policy();
      Progress bar = quiet ? Progress.NONE : new Progress(s.nameOrDefault() + " / " + p);
      RunResult r = Runner.run(s, bar::update, atomLog ? log -> log.writeCsv(run.atoms()) : null);
      bar.done(String.format(java.util.Locale.ROOT, "%.0f ms simulated in %.0f ms wall, %d events",
          r.durationMs(), r.wallMs(), r.events()));
      r.writeCsv(run.csv());
      RunRecord.write(run.record(), commandLine, atomLog ? List.of(run.csv(), run.atoms()) : List.of(run.csv()),
          Map.of(s.nameOrDefault() + "/" + p, RunRecord.hash(s)));
      byFile.computeIfAbsent(run.source(), k -> new ArrayList<>()).add(r);
      if (policies == null || policies.size() == 1 && !policies.contains("all")) printOne(r);
      System.out.println("wrote " + run.csv());
    }
    for (Map.Entry<Path, List<RunResult>> e : byFile.entrySet()) {
      if (e.getValue().size() > 1) compare(bases.get(e.getKey()), e.getValue(), commandLine);
    }
    // said again at the end: the tables above push the first notice out of sight
    for (String what : skipped) spec.commandLine().getErr().println("lithos: not run: " + what);
    spec.commandLine().getErr().flush();
    return 0;
  }

  private Scenario overridden(Scenario base) {
    if (seed != null) base = base.withSeed(seed);
    if (backend != null) base = base.withBackend(backend);
    if (gpu != null) base = base.withGpu(gpu);
    if (calibration != null) base = base.withCalibration(calibration.toAbsolutePath().normalize().toString());
    if (durationMs != null) {
      if (!(durationMs > 0) || durationMs.isInfinite()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--duration-ms must be > 0, was " + durationMs);
      }
      base = base.withDurationMs(durationMs, base.warmupMsOrDefault() * durationMs / base.durationMsOrDefault());
    }
    return base;
  }

  /** One run: its tenants, then the GPU-wide line and the policy's own metrics. */
  private static void printOne(RunResult r) {
    System.out.print(TextTable.render(r.table()));
    System.out.print(TextTable.render(r.gpuTable().setName("")));
    if (!r.policyMetrics().isEmpty()) System.out.println("policy metrics: " + r.policyMetrics());
    if (!r.backendInfo().isEmpty()) System.out.println("backend: " + r.backendInfo());
  }

  /** Several policies of one scenario: each tenant alone, then one comparison and one GPU-wide table. */
  private void compare(Scenario base, List<RunResult> runs, String commandLine) {
    Progress bar = quiet ? Progress.NONE : new Progress(base.nameOrDefault() + " / each tenant alone");
    Map<String, TenantMetrics> alone = Comparison.alone(base);
    bar.done(alone.size() + " runs");
    Comparison c = new Comparison(runs, alone);
    System.out.println();
    System.out.print(TextTable.render(c.table()));
    System.out.println();
    System.out.print(TextTable.render(c.gpuTable()));
    Path csv = SafeOutput.resultFile(out, base.nameOrDefault(), "comparison", ".csv");
    SafeOutput.write(csv, c.table().write().toString("csv"));
    Map<String, String> hashes = new LinkedHashMap<>();
    for (RunResult r : runs) hashes.put(base.nameOrDefault() + "/" + r.policy(), RunRecord.hash(r.policy().equals(base.policyName()) ? base : base.withPolicy(r.policy())));
    RunRecord.write(SafeOutput.resultFile(out, base.nameOrDefault(), "comparison", ".run.json"), commandLine, List.of(csv), hashes);
    System.out.println("wrote " + csv);
  }

  private String commandLine() {
    return LithosCli.typed(spec);
  }

  /** Every {@code -p} name is a policy or {@code all}: a typo beside {@code all} is no less a typo. */
  private void checkPolicyNames() {
    if (policies == null) return;
    for (String p : policies) {
      if (!p.equals("all") && !Policies.names().contains(p)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "unknown policy '" + p + "' in -p"
            + Suggestions.didYouMean(p, Policies.names()) + " (known: " + String.join(", ", Policies.names()) + ", or all)");
      }
    }
  }

  /** The policy's reason it cannot serve this scenario at all, or null; the scenario is checked first. */
  private static String cannotServe(Scenario s) {
    return Policies.create(s.policyName(), s.policyParams()).cannotServe(s.gpuSpec(), s.tenantSpecs());
  }
}
