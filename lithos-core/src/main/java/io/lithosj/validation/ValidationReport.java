package io.lithosj.validation;

import io.lithosj.output.Csv;
import io.lithosj.validation.Validation.Cell;
import io.lithosj.validation.Validation.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** comparison.csv and comparison.md of the validation set. */
public final class ValidationReport {
  private ValidationReport() {}

  public static final String CSV_HEADER = "pair,load,mechanism,metric,real,modeled,real_stable,modeled_stable";

  /** The columns issue 14 fixes, one row per cell, numbers to 6 significant digits. */
  public static String toCsv(List<Cell> cells) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Cell c : cells) {
      sb.append(Csv.row(c.pair(), Validation.loadText(c.load()), c.mechanism(), c.metric(), num(c.real()),
          num(c.modeled()), Boolean.toString(c.realStable()), Boolean.toString(c.modeledStable())));
    }
    return sb.toString();
  }

  /** Reads what {@link #toCsv} wrote (for expectation files and notebooks). */
  public static List<Cell> readCsv(Path f) {
    List<String> lines;
    try {
      lines = Files.readAllLines(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    // '#' comment lines (expectation files) become blank lines, which the parser skips, so line numbers hold.
    StringBuilder text = new StringBuilder();
    for (String l : lines) text.append(l.strip().startsWith("#") ? "" : l.strip()).append('\n');
    List<Csv.Record> recs = Csv.parse(new java.io.StringReader(text.toString()));
    List<Cell> out = new ArrayList<>();
    if (recs.isEmpty()) return out;
    if (!String.join(",", recs.get(0).fields()).equals(CSV_HEADER)) {
      throw new IllegalArgumentException(f + ":" + recs.get(0).line() + ": header must be " + CSV_HEADER);
    }
    for (Csv.Record rec : recs.subList(1, recs.size())) {
      String[] v = rec.fields();
      if (v.length != 8) throw new IllegalArgumentException(f + ":" + rec.line() + ": 8 columns expected, found " + v.length);
      out.add(new Cell(v[0], Double.parseDouble(v[1]), v[2], v[3], Double.parseDouble(v[4]), Double.parseDouble(v[5]),
          Boolean.parseBoolean(v[6]), Boolean.parseBoolean(v[7])));
    }
    return out;
  }

  private static String num(double v) { return String.format(Locale.ROOT, "%.6g", v); }

  /** The counts and every cell, with the rules and the notes. */
  public static String toMarkdown(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Validation set: real ").append(r.realGpu()).append(" (PyTorch) vs modeled ").append(r.modeledGpu())
        .append(" (sim)\n\n");
    sb.append(String.format(Locale.ROOT, "**%d of %d cells meet the rule.**%n%n", r.met(), r.cells().size()));
    sb.append("Rule (issue 14): for runs stable on the real GPU, modeled HP p99/solo within 25% of real, HP p50/solo within 15%, "
        + "BE retained throughput within 0.05; for runs unstable on the real GPU, modeled unstable too. "
        + "Solo = the same HP tenant alone at the same arrival rate; BE retained = throughput stacked / alone.\n\n");
    sb.append("Real stability: the harness's `stable` flag, in the majority of repetitions (a BE cell: all HP tenants stable). ")
        .append("Modeled stability: ").append(Stability.rule()).append(", in the majority of ").append(r.seeds())
        .append(" seed(s). Ratios: each stacked repetition (seed) over the alone run of the same repetition (seed), median over repetitions (seeds).\n\n");
    count(sb, "by metric", r.cells(), Cell::metric);
    count(sb, "by mechanism", r.cells(), Cell::mechanism);
    count(sb, "by pair", r.cells(), c -> c.pair().replaceFirst("/.*", ""));
    sb.append("\n").append(bias(r.cells()));
    sb.append("\n| pair | load | mechanism | metric | real | modeled | modeled/real | real stable | modeled stable | meets |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Cell c : r.cells()) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3g | %.3g | %.2f | %s | %s | %s |%n", c.pair(),
          Validation.loadText(c.load()), c.mechanism(), c.metric(), c.real(), c.modeled(), c.modeled() / c.real(),
          c.realStable() ? "yes" : "**no**", c.modeledStable() ? "yes" : "**no**", c.met() ? "yes" : "**no**"));
    }
    if (!r.notes().isEmpty()) {
      sb.append("\n## Notes\n\n");
      r.notes().stream().distinct().forEach(n -> sb.append("- ").append(n).append('\n'));
    }
    return sb.toString();
  }

  /**
   * Per mechanism, how the model misses: the geometric mean of modeled/real over the HP ratios of
   * runs stable on both sides (above 1: the model overstates interference), the mean of
   * modeled - real BE retained, and the stability verdicts side by side.
   */
  public static String bias(List<Cell> cells) {
    StringBuilder sb = new StringBuilder("| mechanism | p99/solo modeled÷real (geomean, n) | p50/solo modeled÷real (geomean, n) "
        + "| BE retained modeled−real (mean, n) | HP runs unstable: real / modeled / both |\n|---|---|---|---|---|\n");
    Map<String, List<Cell>> byMech = new java.util.LinkedHashMap<>();
    for (Cell c : cells) byMech.computeIfAbsent(c.mechanism(), k -> new ArrayList<>()).add(c);
    byMech.forEach((m, cs) -> {
      sb.append("| ").append(m).append(" | ").append(geo(cs, Validation.P99)).append(" | ").append(geo(cs, Validation.P50)).append(" | ");
      double[] d = cs.stream().filter(c -> c.metric().equals(Validation.BE_RETAINED) && Double.isFinite(c.modeled()))
          .mapToDouble(c -> c.modeled() - c.real()).toArray();
      sb.append(d.length == 0 ? "-" : String.format(Locale.ROOT, "%+.3f (%d)", java.util.Arrays.stream(d).average().orElse(0), d.length));
      List<Cell> hp = cs.stream().filter(c -> c.metric().equals(Validation.P99)).toList();
      sb.append(String.format(Locale.ROOT, " | %d / %d / %d |%n", hp.stream().filter(c -> !c.realStable()).count(),
          hp.stream().filter(c -> !c.modeledStable()).count(), hp.stream().filter(c -> !c.realStable() && !c.modeledStable()).count()));
    });
    return sb.toString();
  }

  private static String geo(List<Cell> cs, String metric) {
    double[] v = cs.stream().filter(c -> c.metric().equals(metric) && c.realStable() && c.modeledStable()
        && c.real() > 0 && c.modeled() > 0 && Double.isFinite(c.modeled())).mapToDouble(c -> Math.log(c.modeled() / c.real())).toArray();
    return v.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f (%d)", Math.exp(java.util.Arrays.stream(v).average().orElse(0)), v.length);
  }

  private static void count(StringBuilder sb, String title, List<Cell> cells, Function<Cell, String> key) {
    Map<String, int[]> m = new TreeMap<>();
    for (Cell c : cells) {
      int[] n = m.computeIfAbsent(key.apply(c), k -> new int[2]);
      n[1]++;
      if (c.met()) n[0]++;
    }
    sb.append("- ").append(title).append(": ");
    List<String> parts = new ArrayList<>();
    m.forEach((k, n) -> parts.add(k + " " + n[0] + "/" + n[1]));
    sb.append(String.join(", ", parts)).append('\n');
  }

  public static void write(Result r, Path outDir) {
    io.lithosj.output.SafeOutput.write(outDir.resolve("comparison.csv"), toCsv(r.cells()));
    io.lithosj.output.SafeOutput.write(outDir.resolve("comparison.md"), toMarkdown(r));
    ValidationChart.save(r, outDir.resolve("comparison.png"));
  }
}
