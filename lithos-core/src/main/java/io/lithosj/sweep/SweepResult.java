package io.lithosj.sweep;

import io.lithosj.output.Csv;
import io.lithosj.output.SafeOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A sweep's table: one row per (point, tenant), sorted by point and then the scenario's tenant
 * order, keyed by {@code point}, {@code policy} and one column per axis (named by its path).
 */
public record SweepResult(List<String> axisNames, List<SweepRow> rows) {

  /** Gathers points' rows in point order, whatever order they came in. */
  public static SweepResult of(List<String> axisNames, List<List<SweepRow>> perPoint) {
    List<SweepRow> all = new ArrayList<>();
    perPoint.forEach(all::addAll);
    all.sort(Comparator.comparingInt(SweepRow::point)); // stable: tenant order kept within a point
    return new SweepResult(List.copyOf(axisNames), List.copyOf(all));
  }

  public List<String> header() {
    List<String> h = new ArrayList<>(List.of("point", "policy"));
    h.addAll(axisNames);
    for (int m : metricColumns()) h.add(SweepRow.METRICS.get(m));
    return h;
  }

  /**
   * Indexes into {@link SweepRow#METRICS} of the metric columns shown: all but one named like an
   * axis (a {@code seed} axis: its key column already holds the run's seed).
   */
  public int[] metricColumns() {
    return java.util.stream.IntStream.range(0, SweepRow.METRICS.size())
        .filter(m -> !axisNames.contains(SweepRow.METRICS.get(m))).toArray();
  }

  /** A row's shown metric values, in {@link #metricColumns} order. */
  public List<Object> metricValues(SweepRow r) {
    List<Object> all = r.values();
    List<Object> out = new ArrayList<>();
    for (int m : metricColumns()) out.add(all.get(m));
    return out;
  }

  /** CSV with doubles as {@link Double#toString} (exact: reads back to the same bits); identical runs give identical bytes. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(Csv.row(header().toArray(String[]::new)));
    for (SweepRow r : rows) {
      List<String> f = new ArrayList<>(List.of(Integer.toString(r.point()), r.policy()));
      f.addAll(r.key());
      for (Object v : metricValues(r)) f.add(String.valueOf(v));
      sb.append(Csv.row(f.toArray(String[]::new)));
    }
    return sb.toString();
  }

  public void writeCsv(Path file) { SafeOutput.write(file, toCsv()); }

  /** The table for notebooks: key columns as text (axis values as written), metrics typed. */
  public Table table() {
    Table t = Table.create("sweep");
    t.addColumns(IntColumn.create("point", rows.stream().mapToInt(SweepRow::point).toArray()),
        StringColumn.create("policy", rows.stream().map(SweepRow::policy)));
    for (int a = 0; a < axisNames.size(); a++) {
      int i = a;
      t.addColumns(StringColumn.create(axisNames.get(a), rows.stream().map(r -> r.key().get(i))));
    }
    for (int m : metricColumns()) t.addColumns(column(m));
    return t;
  }

  private Column<?> column(int m) {
    String name = SweepRow.METRICS.get(m);
    Object first = rows.isEmpty() ? "" : rows.get(0).values().get(m);
    if (first instanceof Double) return DoubleColumn.create(name, rows.stream().mapToDouble(r -> (Double) r.values().get(m)).toArray());
    if (first instanceof Long) return LongColumn.create(name, rows.stream().mapToLong(r -> (Long) r.values().get(m)).toArray());
    return StringColumn.create(name, rows.stream().map(r -> String.valueOf(r.values().get(m))));
  }
}
