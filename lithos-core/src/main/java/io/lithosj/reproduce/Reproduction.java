package io.lithosj.reproduce;

import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The paper's evaluation from one call: every experiment on each GPU asked for, figures as PNG +
 * SVG, the data behind them as CSV, and {@code headline.csv}: each headline claim beside what was
 * measured. Experiments are the scenario files in {@code datasets/scenarios/paper/}.
 */
public final class Reproduction {
  /**
   * @param quick  shorter runs and fewer sweep points (for tests and a first look; not the results)
   */
  public record Options(List<String> gpus, Path scenarioDir, Path outDir, boolean quick, int threads,
                        Consumer<String> log, java.util.Set<String> only) {
    public Options(List<String> gpus, Path scenarioDir, Path outDir, boolean quick, int threads, Consumer<String> log) {
      this(gpus, scenarioDir, outDir, quick, threads, log, java.util.Set.of());
    }

    public static Options defaults() {
      return new Options(List.of("a100-40gb"), Path.of("datasets/scenarios/paper"), Path.of("figures"),
          false, Runtime.getRuntime().availableProcessors(), System.err::println);
    }

    /** Only these experiments (inference-stacking, hybrid, atomization, slip, table1); headline.csv is then not written. */
    public Options withOnly(java.util.Set<String> o) { return new Options(gpus, scenarioDir, outDir, quick, threads, log, o); }

    boolean runs(String experiment) { return only.isEmpty() || only.contains(experiment); }

    public Options withGpus(List<String> g) { return new Options(g, scenarioDir, outDir, quick, threads, log, only); }
    public Options withOutDir(Path d) { return new Options(gpus, scenarioDir, d, quick, threads, log, only); }
    public Options withQuick(boolean q) { return new Options(gpus, scenarioDir, outDir, q, threads, log, only); }
    public Options withThreads(int t) { return new Options(gpus, scenarioDir, outDir, quick, t, log, only); }
    public Options withScenarioDir(Path d) { return new Options(gpus, d, outDir, quick, threads, log, only); }
    public Options withLog(Consumer<String> l) { return new Options(gpus, scenarioDir, outDir, quick, threads, l, only); }
  }

  private Reproduction() {}

  public static List<HeadlineRow> run(Options o) {
    List<String> known = List.of("inference-stacking", "hybrid", "atomization", "slip", "table1");
    for (String e : o.only()) {
      if (!known.contains(e)) throw new IllegalArgumentException("--only: unknown experiment '" + e + "' (known: " + known + ")");
    }
    PaperPlan plan = PaperPlan.load(o.scenarioDir().resolve("plan.json"));
    // --quick: two seeds and quarter-length runs, a smoke test of the whole pipeline
    int nSeeds = o.quick() ? Math.min(2, plan.seeds()) : plan.seeds();
    List<Long> seeds = java.util.stream.LongStream.range(plan.firstSeed(), plan.firstSeed() + nSeeds).boxed().toList();
    List<HeadlineRow> rows = new ArrayList<>();
    for (String gpu : o.gpus()) {
      ExperimentContext ctx = new ExperimentContext(gpu, o.outDir(), o.outDir().resolve("data"), o.quick(), o.threads(), o.log());
      if (plan.inferenceStacking() != null && o.runs("inference-stacking")) {
        o.log().accept("== " + gpu + ": inference stacking (HP-A + HP-B + BE, Table 2 loads)");
        long t0 = System.nanoTime();
        rows.addAll(InferenceStackingExperiment.run(ctx, plan, load(o, plan.inferenceStacking().scenario()), seeds));
        took(o, t0);
      }
      if (plan.hybrid() != null && o.runs("hybrid")) {
        o.log().accept("== " + gpu + ": hybrid stacking (HP inference + each Table 1 training job)");
        long t0 = System.nanoTime();
        rows.addAll(HybridExperiment.run(ctx, plan, load(o, plan.hybrid().scenario()), seeds));
        took(o, t0);
      }
      if (plan.atomization() != null && o.runs("atomization")) {
        o.log().accept("== " + gpu + ": atomization (BE training batch, BE inference sequence length)");
        long t0 = System.nanoTime();
        AtomizationExperiment.run(ctx, plan, load(o, plan.atomization().scenario()), seeds);
        took(o, t0);
      }
      if (!o.runs("slip")) continue;
      o.log().accept("== " + gpu + ": right-sizing");
      long t0 = System.nanoTime();
      rows.add(slip(ctx, o, "rightsizing", "rightsizing", SlipExperiment.Mechanism.RIGHT_SIZING, 0.04, 25,
          "Right-sizing, paper's 2-point fit: TPC-time saved at slip k=4% (paper: ~25% for <4% slowdown)",
          Map.of("rightSizeModel", "fit")));
      rows.add(slip(ctx, o, "rightsizing", "rightsizing-search", SlipExperiment.Mechanism.RIGHT_SIZING, 0.04, 25,
          "Right-sizing, predictor search: TPC-time saved at slip k=4% (paper: ~25% for <4% slowdown)",
          Map.of("rightSizeModel", "search")));
      took(o, t0);
      o.log().accept("== " + gpu + ": power management");
      t0 = System.nanoTime();
      rows.add(slip(ctx, o, "power", "power", SlipExperiment.Mechanism.POWER, 0.07, 25,
          "Power management: energy saved at slip k=7% (paper: ~25% for 7% slowdown)", Map.of()));
      took(o, t0);
    }
    if (plan.table1() != null && o.runs("table1")) {
      o.log().accept("== " + plan.table1().gpu() + ": Table 1 training jobs alone");
      ExperimentContext ctx = new ExperimentContext(plan.table1().gpu(), o.outDir(), o.outDir().resolve("data"), o.quick(),
          o.threads(), o.log());
      rows.addAll(Table1Experiment.run(ctx, plan, o.outDir()));
    }
    if (o.only().isEmpty()) {
      write(o.outDir().resolve("headline.csv"), csv(rows));
      write(o.outDir().resolve("headline.md"), markdown(rows));
    }
    return rows;
  }

  /** Wall time of the part just run, so a user sees where a reproduction's minutes go. */
  private static void took(Options o, long startNanos) {
    o.log().accept(String.format(java.util.Locale.ROOT, "   took %.0f s", (System.nanoTime() - startNanos) / 1e9));
  }

  private static Scenario load(Options o, String file) {
    Scenario s = ScenarioLoader.load(o.scenarioDir().resolve(file.endsWith(".json") ? file : file + ".json"));
    if (o.quick()) s = s.withDurationMs(s.durationMsOrDefault() * 0.25, s.warmupMsOrDefault() * 0.25);
    return s;
  }

  /**
   * A slip mechanism's saving. Each tenant runs alone in a closed loop, which has no random input:
   * every seed gives the same value, so one run is the value (seeds = 1, an interval of zero width).
   */
  private static HeadlineRow slip(ExperimentContext ctx, Options o, String file, String id, SlipExperiment.Mechanism m,
                                  double k, double paperPct, String claim, Map<String, Object> extra) {
    Scenario s = load(o, file);
    double[] slips = o.quick() ? new double[] {k} : new double[] {0.01, 0.02, 0.04, 0.07, 0.1, 0.2};
    if (java.util.Arrays.stream(slips).noneMatch(x -> x == k)) throw new IllegalStateException("slip " + k + " not swept");
    List<SlipExperiment.Point> pts = SlipExperiment.run(ctx, id, s, m, slips, extra);
    double[] at = SlipExperiment.meanAt(pts, k);
    return HeadlineRow.of(claim, "%", paperPct, new io.lithosj.stats.Stats.Interval(at[0], at[0], at[0], 1), false, ctx.gpu(), id,
        String.format(Locale.ROOT, "mean over %d tenants: %.1f%% saved, %.1f%% slower", pts.size() / slips.length, at[0], at[1]),
        "closed loops alone: deterministic, one run");
  }

  private static String csv(List<HeadlineRow> rows) {
    StringBuilder sb = new StringBuilder(HeadlineRow.CSV_HEADER).append('\n');
    rows.forEach(r -> sb.append(r.csv()).append('\n'));
    return sb.toString();
  }

  /** The headline table as Markdown, for the README (a test keeps the README's copy equal to it). */
  /**
   * Draws the slip figures (right-sizing, power) again from the data a reproduction wrote under
   * {@code figuresDir/data}, without running anything: for a change of how figures look, not of results.
   *
   * @return the figures written (name without extension)
   */
  public static List<String> redrawSlipFigures(Path figuresDir) {
    ReproducedResults results = ReproducedResults.at(figuresDir);
    List<String> drawn = new ArrayList<>();
    for (var e : new java.util.TreeMap<>(SlipExperiment.IDS).entrySet()) {
      List<String> gpus;
      try {
        gpus = results.gpusWith(e.getKey());
      } catch (IllegalStateException none) { // not part of that reproduction (e.g. run with --only)
        continue;
      }
      for (String gpu : gpus) {
        io.lithosj.figures.Charts.save(SlipExperiment.chart(e.getKey(), gpu, e.getValue(), results.table(gpu, e.getKey())),
            figuresDir, gpu + "-" + e.getKey());
        drawn.add(gpu + "-" + e.getKey());
      }
    }
    return drawn;
  }

  public static String markdown(List<HeadlineRow> rows) {
    StringBuilder sb = new StringBuilder(
        "| claim | GPU (backend) | paper | measured: mean [95% CI] | seeds | within 25% | what was measured |\n|---|---|---|---|---|---|---|\n");
    for (HeadlineRow r : rows) {
      String w = r.within25();
      sb.append(String.format(Locale.ROOT, "| %s | %s (%s) | %.3g%s | %s | %d | %s | %s%s |%n", r.claim(), r.gpu(), r.backend(),
          r.paperValue(), r.unit(), r.measuredText(), r.seeds(), "yes".equals(w) ? "yes" : "**" + w + "**", r.detail(),
          r.note() == null || r.note().isEmpty() ? "" : " (" + r.note() + ")"));
    }
    return sb.toString();
  }

  /** Writes {@code text} to {@code file}, creating its folder. */
  static void write(Path file, String text) {
    io.lithosj.output.SafeOutput.write(file, text); // atomic: an interrupted run leaves no half file
  }
}
