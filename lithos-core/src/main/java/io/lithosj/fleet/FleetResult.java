package io.lithosj.fleet;

import io.lithosj.output.Csv;
import io.lithosj.sweep.SweepRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What a fleet study found: per policy the GPUs it needs and how the services and training jobs
 * fared on them, plus {@code dedicated} (every tenant on a GPU of its own, from the solo runs).
 *
 * @param solo     each entry's solo run (one row: its tenant alone)
 * @param packing  each policy's final GPUs, every one checked
 */
public record FleetResult(FleetSpec spec, Map<String, SweepRow> solo, Map<String, List<FleetStudy.Gpu>> packing,
                          int rounds, int simulations) {

  /**
   * One policy's line.
   *
   * @param servicesMeetingSlo services whose requests met the SLO at the target share
   * @param smUtilization      mean over the GPUs of busy TPC-time over TPC-time (the paper's SM utilisation)
   * @param beProgress         mean over training jobs of their progress per second over their solo progress per second
   */
  public record Summary(String policy, int gpus, int services, int servicesMeetingSlo, double minSloAttainment,
                        double meanSloAttainment, double smUtilization, double beProgress) {}

  public List<Summary> summaries() {
    List<Summary> out = new ArrayList<>();
    List<SweepRow> soloRows = new ArrayList<>();
    int tenants = 0;
    for (var e : spec.services()) {
      String n = e.get("name").asText();
      for (int k = 0; k < e.get("count").asInt(); k++) soloRows.add(solo.get(n));
      tenants += e.get("count").asInt();
    }
    for (var e : spec.training()) {
      String n = e.get("name").asText();
      for (int k = 0; k < e.get("count").asInt(); k++) soloRows.add(solo.get(n));
      tenants += e.get("count").asInt();
    }
    out.add(summary("dedicated", tenants, soloRows, soloRows.stream().mapToDouble(SweepRow::tpcUtilization).average().orElse(0)));
    for (var e : packing.entrySet()) {
      List<SweepRow> rows = e.getValue().stream().flatMap(g -> g.rows().stream()).toList();
      double sm = e.getValue().stream().mapToDouble(g -> g.rows().get(0).tpcUtilization()).average().orElse(0);
      out.add(summary(e.getKey(), e.getValue().size(), rows, sm));
    }
    return out;
  }

  private Summary summary(String policy, int gpus, List<SweepRow> rows, double sm) {
    List<SweepRow> hp = rows.stream().filter(r -> r.priority().equals("HP")).toList();
    double[] att = hp.stream().mapToDouble(SweepRow::sloAttainment).filter(a -> !Double.isNaN(a)).toArray();
    double be = rows.stream().filter(r -> r.priority().equals("BE"))
        .mapToDouble(r -> r.progressPerSec() / solo.get(entryOf(r.tenant())).progressPerSec()).average().orElse(Double.NaN);
    return new Summary(policy, gpus, hp.size(), (int) hp.stream().filter(r -> FleetStudy.meets(r, spec.sloTarget())).count(),
        java.util.Arrays.stream(att).min().orElse(Double.NaN), java.util.Arrays.stream(att).average().orElse(Double.NaN), sm, be);
  }

  /**
   * A tenant's entry: a solo run's tenant is named as its entry, a stack's {@code <entry>-<n>}
   * (entry names never end in -number, {@link FleetSpec}).
   */
  private String entryOf(String tenant) {
    return solo.containsKey(tenant) ? tenant : tenant.substring(0, tenant.lastIndexOf('-'));
  }

  /** One line per policy (and {@code dedicated}). */
  public Table summaryTable() {
    List<Summary> s = summaries();
    return Table.create(spec.name()).addColumns(
        StringColumn.create("policy", s.stream().map(Summary::policy)),
        IntColumn.create("gpus", s.stream().mapToInt(Summary::gpus).toArray()),
        IntColumn.create("services", s.stream().mapToInt(Summary::services).toArray()),
        IntColumn.create("servicesMeetingSlo", s.stream().mapToInt(Summary::servicesMeetingSlo).toArray()),
        DoubleColumn.create("minSloAttainment", s.stream().mapToDouble(Summary::minSloAttainment).toArray()),
        DoubleColumn.create("meanSloAttainment", s.stream().mapToDouble(Summary::meanSloAttainment).toArray()),
        DoubleColumn.create("smUtilization", s.stream().mapToDouble(Summary::smUtilization).toArray()),
        DoubleColumn.create("beProgress", s.stream().mapToDouble(Summary::beProgress).toArray()));
  }

  /** One line per GPU of every policy's final packing. */
  public Table gpuTable() {
    List<String> pol = new ArrayList<>();
    List<String> id = new ArrayList<>();
    List<String> ten = new ArrayList<>();
    List<Double> load = new ArrayList<>();
    List<Double> util = new ArrayList<>();
    List<Double> minAtt = new ArrayList<>();
    List<Boolean> meets = new ArrayList<>();
    for (var e : packing.entrySet()) {
      for (FleetStudy.Gpu g : e.getValue()) {
        pol.add(e.getKey());
        id.add(g.id());
        ten.add(g.tenants().stream().map(FleetTenant::id).collect(Collectors.joining("+")));
        load.add(Packing.hpLoad(g.tenants()));
        util.add(g.rows().get(0).tpcUtilization());
        minAtt.add(g.rows().stream().filter(r -> r.priority().equals("HP")).mapToDouble(SweepRow::sloAttainment)
            .filter(a -> !Double.isNaN(a)).min().orElse(Double.NaN));
        meets.add(FleetStudy.meets(g, spec.sloTarget()));
      }
    }
    return Table.create(spec.name() + " GPUs").addColumns(StringColumn.create("policy", pol), StringColumn.create("gpu", id),
        StringColumn.create("tenants", ten), DoubleColumn.create("servicesSoloUtilization", load),
        DoubleColumn.create("smUtilization", util), DoubleColumn.create("minSloAttainment", minAtt),
        BooleanColumn.create("meetsSlo", meets));
  }

  /** The summary as CSV, doubles exact ({@link Double#toString}): equal studies give identical text. */
  public String summaryCsv() { return csv(summaryTable()); }

  public String gpuCsv() { return csv(gpuTable()); }

  private static String csv(Table t) {
    StringBuilder sb = new StringBuilder(Csv.row(t.columnNames().toArray(String[]::new)));
    for (int r = 0; r < t.rowCount(); r++) {
      String[] f = new String[t.columnCount()];
      for (int c = 0; c < f.length; c++) f[c] = t.column(c).isMissing(r) ? "" : String.valueOf(t.column(c).get(r)); // NaN: no services
      sb.append(Csv.row(f));
    }
    return sb.toString();
  }
}
