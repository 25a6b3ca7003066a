package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.figures.Charts;
import io.lithosj.workload.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's atomization experiment: the BE tenant's kernels grow (a larger training batch or a
 * longer inference sequence = proportionally more blocks per kernel) and the HP tail is watched
 * under MPS, priorities, and LithOS with and without the atomizer.
 */
final class AtomizationExperiment {
  record Variant(String label, String policy, Map<String, Object> params) {}

  static final List<Variant> VARIANTS = List.of(
      new Variant("mps", "mps", Map.of()),
      new Variant("priority", "priority", Map.of()),
      new Variant("lithos (no atomization)", "lithos", Map.of("atomization", false)),
      new Variant("lithos", "lithos", Map.of()));

  private AtomizationExperiment() {}

  /** Returns the table: variant, beScale, hpP99Ms. */
  static Table run(ExperimentContext ctx, String id, Scenario scenario, double[] scales) {
    String be = scenario.tenants().stream().filter(t -> t.priority() != Priority.HP).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(id + ": needs a BE tenant")).name();
    String hp = scenario.tenants().stream().filter(t -> t.priority() == Priority.HP).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(id + ": needs an HP tenant")).name();
    List<Scenario> runs = new ArrayList<>();
    for (double s : scales) {
      Scenario scaled = scenario.withScaledKernels(be, s).withName(scenario.nameOrDefault() + "-x" + s);
      for (Variant v : VARIANTS) runs.add(scaled.withPolicy(v.policy(), v.params()));
    }
    List<RunResult> results = ctx.runAll(runs);
    StringColumn var = StringColumn.create("variant");
    DoubleColumn scale = DoubleColumn.create("beKernelScale");
    DoubleColumn p99 = DoubleColumn.create("hpP99Ms");
    DoubleColumn beThr = DoubleColumn.create("beThroughputPerSec");
    Map<String, double[][]> lines = new LinkedHashMap<>();
    for (Variant v : VARIANTS) lines.put(v.label(), new double[2][scales.length]);
    int i = 0;
    for (int si = 0; si < scales.length; si++) {
      for (Variant v : VARIANTS) {
        RunResult r = results.get(i++);
        var.append(v.label());
        scale.append(scales[si]);
        p99.append(r.tenant(hp).p99Ms());
        beThr.append(r.tenant(be).throughputPerSec());
        lines.get(v.label())[0][si] = scales[si];
        lines.get(v.label())[1][si] = r.tenant(hp).p99Ms();
      }
    }
    Table t = Table.create(id).addColumns(var, scale, p99, beThr);
    var chart = Charts.lines(id + " on " + ctx.gpu() + ": HP p99 as BE kernels grow",
        "BE kernel size (x blocks per kernel: larger batch or longer sequence)", "HP p99 latency (ms, log scale)", lines);
    chart.getStyler().setYAxisLogarithmic(true);
    Charts.save(chart, ctx.figuresDir(), ctx.prefix(id));
    Tables.write(t, ctx.dataDir().resolve(ctx.prefix(id) + ".csv"));
    return t;
  }
}
