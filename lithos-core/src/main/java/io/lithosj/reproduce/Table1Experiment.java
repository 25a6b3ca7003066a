package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.workload.Priority;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An outside check of the modeled GPU: each Table 1 training job alone at its batch size on the
 * paper's GPU preset, its mean iteration latency beside the paper's. A training job alone has no
 * random input, so one run per job is the value (every seed gives the same).
 * Writes {@code figures/table1-<gpu>.csv|md}.
 */
final class Table1Experiment {
  record Row(String job, String model, Integer batchSize, double paperMs, double modeledMs, long iterations) {
    double ratio() { return modeledMs / paperMs; }
  }

  private Table1Experiment() {}

  static List<HeadlineRow> run(ExperimentContext ctx, PaperPlan plan, Path outDir) {
    PaperPlan.Table1 t = plan.table1();
    List<Scenario> runs = new ArrayList<>();
    for (String job : t.jobs()) {
      PaperPlan.TrainingJob j = plan.job(job);
      Scenario s = new Scenario("table1-" + job, t.gpu(), null, t.durationMs(), t.warmupMs(), plan.firstSeed(),
          new Scenario.PolicyConfig("mps", null), List.of(new Scenario.TenantConfig(job, Priority.BE, null, null, "training",
              null, null, null, j.batchSize(), j.model(), null)));
      runs.add(s);
    }
    List<RunResult> results = io.lithosj.experiment.Sweep.run(runs, ctx.threads(), ctx.log());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < t.jobs().size(); i++) {
      String job = t.jobs().get(i);
      PaperPlan.TrainingJob j = plan.job(job);
      TenantMetrics m = results.get(i).tenant(job);
      if (m.completed() < 2) {
        ctx.log().accept("   table 1: " + job + " finished " + m.completed() + " iterations in the window; lengthen table1.durationMs");
      }
      rows.add(new Row(job, j.model(), j.batchSize(), j.paperIterationMs(), m.meanMs(), m.completed()));
    }
    Reproduction.write(outDir.resolve("table1-" + t.gpu() + ".csv"), csv(rows));
    Reproduction.write(outDir.resolve("table1-" + t.gpu() + ".md"), markdown(t.gpu(), rows));
    List<HeadlineRow> out = new ArrayList<>();
    for (Row r : rows) {
      io.lithosj.stats.Stats.Interval v = new io.lithosj.stats.Stats.Interval(r.modeledMs(), r.modeledMs(), r.modeledMs(), 1);
      out.add(HeadlineRow.of("Table 1: " + r.job() + " training iteration alone (batch " + batch(r) + ")", " ms", r.paperMs(), v, false,
          t.gpu(), "table1", String.format(Locale.ROOT, "modeled / paper = %.2f over %d iterations", r.ratio(), r.iterations()),
          "deterministic: one run (no random input)"));
    }
    return out;
  }

  private static String batch(Row r) { return r.batchSize() == null ? "as traced" : r.batchSize().toString(); }

  static String csv(List<Row> rows) {
    StringBuilder sb = new StringBuilder("job,model,batchSize,paperIterationMs,modeledIterationMs,modeledOverPaper,iterations\n");
    for (Row r : rows) {
      sb.append(io.lithosj.output.Csv.row(r.job(), r.model(), batch(r), String.format(Locale.ROOT, "%.1f", r.paperMs()),
          String.format(Locale.ROOT, "%.1f", r.modeledMs()), String.format(Locale.ROOT, "%.3f", r.ratio()),
          Long.toString(r.iterations())));
    }
    return sb.toString();
  }

  static String markdown(String gpu, List<Row> rows) {
    StringBuilder sb = new StringBuilder("Table 1's training jobs alone: the paper's A100 iteration latency beside the modeled "
        + gpu + " (sim), written by `./lithos reproduce`.\n\n| job | batch | paper A100 (ms) | modeled " + gpu
        + " (ms) | modeled / paper |\n|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.1f | %.2f |%n", r.job(), batch(r), r.paperMs(), r.modeledMs(), r.ratio()));
    }
    return sb.toString();
  }
}
