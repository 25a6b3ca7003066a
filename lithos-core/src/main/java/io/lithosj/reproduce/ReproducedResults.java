package io.lithosj.reproduce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * What {@code ./lithos reproduce} wrote ({@code figures/data/<gpu>-<experiment>.csv} and
 * {@code figures/headline.csv}), read back as tables: the notebooks' one way in, so no notebook
 * carries its own copy of these readers.
 */
public final class ReproducedResults {
  private final Path dataDir;
  private final Path headlineCsv;

  private ReproducedResults(Path figuresDir) {
    this.dataDir = figuresDir.resolve("data");
    this.headlineCsv = figuresDir.resolve("headline.csv");
  }

  /** The results under {@code figuresDir} (the folder {@code ./lithos reproduce -o} wrote). */
  public static ReproducedResults at(Path figuresDir) { return new ReproducedResults(figuresDir); }

  public Path dataDir() { return dataDir; }

  /** GPUs that have results for experiment {@code exp}, H100 first; an error naming the folder if none. */
  public List<String> gpusWith(String exp) {
    if (!Files.isDirectory(dataDir)) throw new IllegalStateException(dataDir.toAbsolutePath() + " is missing: run ./lithos reproduce first");
    try (var files = Files.list(dataDir)) {
      List<String> g = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith("-" + exp + ".csv"))
          .map(f -> f.substring(0, f.length() - exp.length() - 5))
          .sorted(Comparator.comparing((String s) -> !s.startsWith("h100")).thenComparing(s -> s)).toList();
      if (g.isEmpty()) throw new IllegalStateException("no " + dataDir.toAbsolutePath() + "/<gpu>-" + exp + ".csv: run ./lithos reproduce first");
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dataDir.toAbsolutePath(), e);
    }
  }

  /** One experiment's data on one GPU; every numeric column as doubles, printed to 3 decimals. */
  public Table table(String gpu, String exp) {
    Table t = Table.read().csv(dataDir.resolve(gpu + "-" + exp + ".csv").toString());
    t.setName(gpu + " / " + exp);
    // Tablesaw types a column of 1.0, 2.0, ... as integers: make every numeric column double
    for (var c : new ArrayList<>(t.columns())) {
      if (c instanceof NumberColumn<?, ?> n && !(c instanceof DoubleColumn)) {
        DoubleColumn d = n.asDoubleColumn();
        d.setName(c.name());
        t.replaceColumn(c.name(), d);
      }
    }
    for (var c : t.columns()) if (c instanceof DoubleColumn d) d.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
    return t;
  }

  /** The headline rows of one experiment (empty, with a note, if headline.csv is not there yet). */
  public Table headline(String exp) {
    if (!Files.exists(headlineCsv)) {
      System.out.println(headlineCsv + " not written yet (./lithos reproduce writes it last)");
      return Table.create("headline");
    }
    Table h = Table.read().csv(headlineCsv.toString());
    Table t = h.where(h.stringColumn("experiment").isEqualTo(exp)).selectColumns("gpu", "claim", "unit", "paperValue",
        "measuredValue", "low95", "high95", "seeds", "within25", "detail");
    t.setName("headline.csv: " + exp);
    return t;
  }

  /** Per case and policy, the mean over seeds of {@code cols} for {@code tenant}, and how many seeds' queues were unstable. */
  public static Table perCase(Table t, String tenant, String... cols) {
    Table x = t.where(t.stringColumn("tenant").isEqualTo(tenant));
    StringColumn cs = StringColumn.create("case"), pol = StringColumn.create("policy");
    IntColumn unstable = IntColumn.create("unstableSeeds");
    List<DoubleColumn> out = new ArrayList<>();
    for (String c : cols) out.add(DoubleColumn.create(c));
    for (String k : distinct(x.stringColumn("case"))) {
      for (String p : distinct(x.stringColumn("policy"))) {
        Table r = x.where(x.stringColumn("case").isEqualTo(k).and(x.stringColumn("policy").isEqualTo(p)));
        cs.append(k);
        pol.append(p);
        BooleanColumn stable = r.booleanColumn("stable");
        unstable.append((int) stable.asList().stream().filter(b -> !b).count());
        for (int i = 0; i < cols.length; i++) out.get(i).append(r.numberColumn(cols[i]).mean());
      }
    }
    Table s = Table.create(tenant + " per case and policy (mean over seeds)", cs, pol, unstable);
    out.forEach(d -> {
      d.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
      s.addColumns(d);
    });
    return s;
  }

  /** The distinct values of a column in first-seen order (Tablesaw's unique() is unordered). */
  public static List<String> distinct(StringColumn c) { return c.asList().stream().distinct().toList(); }
}
