package io.lithosj.reproduce;

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
                        Consumer<String> log) {
    public static Options defaults() {
      return new Options(List.of("h100-sxm", "a100-40gb"), Path.of("datasets/scenarios/paper"), Path.of("figures"),
          false, Runtime.getRuntime().availableProcessors(), System.err::println);
    }

    public Options withGpus(List<String> g) { return new Options(g, scenarioDir, outDir, quick, threads, log); }
    public Options withOutDir(Path d) { return new Options(gpus, scenarioDir, d, quick, threads, log); }
    public Options withQuick(boolean q) { return new Options(gpus, scenarioDir, outDir, q, threads, log); }
    public Options withThreads(int t) { return new Options(gpus, scenarioDir, outDir, quick, t, log); }
    public Options withScenarioDir(Path d) { return new Options(gpus, d, outDir, quick, threads, log); }
    public Options withLog(Consumer<String> l) { return new Options(gpus, scenarioDir, outDir, quick, threads, l); }
  }

  private Reproduction() {}

  public static List<HeadlineRow> run(Options o) {
    List<HeadlineRow> rows = new ArrayList<>();
    for (String gpu : o.gpus()) {
      ExperimentContext ctx = new ExperimentContext(gpu, o.outDir(), o.outDir().resolve("data"), o.quick(), o.threads(), o.log());
      o.log().accept("== " + gpu + ": inference stacking (latency-oriented HP services)");
      rows.addAll(stacking(ctx, "inference-latency", "Inference stacking (latency-oriented HP)", 13, 3, 1.6, o));
      o.log().accept("== " + gpu + ": inference stacking (throughput-oriented HP services)");
      rows.addAll(stacking(ctx, "inference-throughput", "Inference stacking (throughput-oriented HP)", 13, 3, 1.6, o));
      o.log().accept("== " + gpu + ": hybrid stacking (HP inference + BE training)");
      rows.addAll(stacking(ctx, "hybrid", "Hybrid stacking", 4.7, 1.18, 1.35, o));
      o.log().accept("== " + gpu + ": atomization sensitivity (BE training batch, BE inference sequence length)");
      double[] scales = o.quick() ? new double[] {1, 4} : new double[] {1, 2, 4, 8, 16};
      AtomizationExperiment.run(ctx, "atomization", load(o, "atomization"), scales);
      AtomizationExperiment.run(ctx, "atomization-inference", load(o, "atomization-inference"), scales);
      o.log().accept("== " + gpu + ": right-sizing");
      rows.add(slip(ctx, o, "rightsizing", "rightsizing", SlipExperiment.Mechanism.RIGHT_SIZING, 0.04, 25,
          "Right-sizing, paper's 2-point fit: TPC-time saved at slip k=4% (paper: ~25% for <4% slowdown)",
          Map.of("rightSizeModel", "fit")));
      rows.add(slip(ctx, o, "rightsizing", "rightsizing-search", SlipExperiment.Mechanism.RIGHT_SIZING, 0.04, 25,
          "Right-sizing, predictor search: TPC-time saved at slip k=4% (paper: ~25% for <4% slowdown)",
          Map.of("rightSizeModel", "search")));
      o.log().accept("== " + gpu + ": power management");
      rows.add(slip(ctx, o, "power", "power", SlipExperiment.Mechanism.POWER, 0.07, 25,
          "Power management: energy saved at slip k=7% (paper: ~25% for 7% slowdown)", Map.of()));
    }
    write(o.outDir().resolve("headline.csv"), csv(rows));
    write(o.outDir().resolve("headline.md"), markdown(rows));
    return rows;
  }

  private static Scenario load(Options o, String name) {
    Scenario s = ScenarioLoader.load(o.scenarioDir().resolve(name + ".json"));
    if (o.quick()) s = s.withDurationMs(s.durationMsOrDefault() * 0.25, s.warmupMsOrDefault() * 0.25);
    return s;
  }

  private static List<HeadlineRow> stacking(ExperimentContext ctx, String id, String label, double vsMps,
                                            double vsBest, double thrVsBest, Options o) {
    Scenario s = load(o, id);
    StackingExperiment.Result r = StackingExperiment.run(ctx, id, s, Policies.names());
    StackingExperiment.Summary lithos = r.of("lithos");
    StackingExperiment.Summary mps = r.of("mps");
    StackingExperiment.Summary best = r.bestOther();
    String exp = id;
    return List.of(
        new HeadlineRow(label + ": HP p99, MPS / LithOS", "x", vsMps, mps.hpP99Ms() / lithos.hpP99Ms(), ctx.gpu(), "sim", exp,
            String.format(Locale.ROOT, "HP p99 geomean: MPS %.2f ms, LithOS %.2f ms", mps.hpP99Ms(), lithos.hpP99Ms())),
        new HeadlineRow(label + ": HP p99, best other / LithOS", "x", vsBest, best.hpP99Ms() / lithos.hpP99Ms(), ctx.gpu(), "sim",
            exp, String.format(Locale.ROOT, "best other = %s at %.2f ms", best.policy(), best.hpP99Ms())),
        new HeadlineRow(label + ": throughput (STP), LithOS / best other", "x", thrVsBest, lithos.stp() / best.stp(), ctx.gpu(),
            "sim", exp, String.format(Locale.ROOT, "STP: LithOS %.2f, %s %.2f", lithos.stp(), best.policy(), best.stp())));
  }

  private static HeadlineRow slip(ExperimentContext ctx, Options o, String file, String id, SlipExperiment.Mechanism m,
                                  double k, double paperPct, String claim, Map<String, Object> extra) {
    Scenario s = load(o, file);
    double[] slips = o.quick() ? new double[] {k} : new double[] {0.01, 0.02, 0.04, 0.07, 0.1, 0.2};
    if (java.util.Arrays.stream(slips).noneMatch(x -> x == k)) throw new IllegalStateException("slip " + k + " not swept");
    List<SlipExperiment.Point> pts = SlipExperiment.run(ctx, id, s, m, slips, extra);
    double[] at = SlipExperiment.meanAt(pts, k);
    return new HeadlineRow(claim, "%", paperPct, at[0], ctx.gpu(), "sim", id,
        String.format(Locale.ROOT, "mean over %d tenants: %.1f%% saved, %.1f%% slower", pts.size() / slips.length, at[0], at[1]));
  }

  private static String csv(List<HeadlineRow> rows) {
    StringBuilder sb = new StringBuilder(HeadlineRow.CSV_HEADER).append('\n');
    rows.forEach(r -> sb.append(r.csv()).append('\n'));
    return sb.toString();
  }

  /** The headline table as Markdown, for the README (a test keeps the README's copy equal to it). */
  public static String markdown(List<HeadlineRow> rows) {
    StringBuilder sb = new StringBuilder("| claim | GPU | paper | measured | within 25% | what was measured |\n|---|---|---|---|---|---|\n");
    for (HeadlineRow r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.3g%s | %.3g%s | %s | %s |%n", r.claim(), r.gpu(), r.paperValue(),
          r.unit(), r.measuredValue(), r.unit(), r.withinQuarter() ? "yes" : "**no**", r.detail()));
    }
    return sb.toString();
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
