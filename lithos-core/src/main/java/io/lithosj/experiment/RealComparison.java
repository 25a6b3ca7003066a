package io.lithosj.experiment;

import io.lithosj.output.Csv;
import io.lithosj.stats.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sets runs on the real GPU ({@code lithos run --backend cuda}, their CSVs) beside the modeled
 * GPU's run of the same scenario and policy: per tenant p99 latency (inference) and throughput,
 * and the board's average power, with the relative error of the model. With several real runs of
 * one scenario the model is compared with their median (real tails move between runs).
 */
public final class RealComparison {
  private RealComparison() {}

  /**
   * One metric of one tenant (or of the GPU: tenant {@code "(gpu)"}): {@code real} is the median
   * over the real runs, {@code realMin} and {@code realMax} their range.
   */
  public record Row(String scenario, String policy, String tenant, String metric, double real, double realMin,
                    double realMax, int runs, double modeled) {
    public Row(String scenario, String policy, String tenant, String metric, double real, double modeled) {
      this(scenario, policy, tenant, metric, real, real, real, 1, modeled);
    }

    public double errPct() { return (modeled - real) / real * 100.0; }

    public boolean within(double tolerancePct) { return real != 0 && Math.abs(errPct()) <= tolerancePct; }
  }

  /** Metrics compared per inference tenant, per training tenant and per run. */
  static final List<String> INFERENCE = List.of("p50Ms", "p99Ms", "throughputPerSec");
  static final List<String> TRAINING = List.of("throughputPerSec");
  static final String GPU = "(gpu)";

  /** The rows of several real runs' CSVs of one scenario and policy against a modeled run (medians). */
  public static List<Row> compare(List<Path> realCsvs, RunResult modeled) {
    List<List<Row>> each = new ArrayList<>();
    for (Path p : realCsvs) each.add(compare(p, modeled));
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < each.get(0).size(); i++) {
      Row r = each.get(0).get(i);
      double[] v = new double[each.size()];
      for (int k = 0; k < v.length; k++) {
        Row o = each.get(k).get(i);
        if (!o.tenant().equals(r.tenant()) || !o.metric().equals(r.metric())) {
          throw new IllegalArgumentException(realCsvs.get(k) + " has other tenants than " + realCsvs.get(0));
        }
        v[k] = o.real();
      }
      Arrays.sort(v);
      out.add(new Row(r.scenario(), r.policy(), r.tenant(), r.metric(), Stats.median(v), v[0], v[v.length - 1], v.length, r.modeled()));
    }
    return out;
  }

  /** The GPU a real CSV was measured on (its first row's {@code gpu}: the device name the CUDA backend saw). */
  public static String gpuOf(Path realCsv) {
    List<Map<String, String>> rows = readRunCsv(realCsv);
    return rows.isEmpty() ? "GPU" : rows.get(0).getOrDefault("gpu", "GPU");
  }

  /** The rows of one real CSV (as {@link RunResult#writeCsv} writes it) against a modeled run. */
  public static List<Row> compare(Path realCsv, RunResult modeled) {
    List<Map<String, String>> real = readRunCsv(realCsv);
    List<Row> rows = new ArrayList<>();
    for (Map<String, String> r : real) {
      if (!"cuda".equals(r.get("backend"))) {
        throw new IllegalArgumentException(realCsv + ": backend is '" + r.get("backend") + "', not a run on the real GPU (cuda)");
      }
      if (!r.get("policy").equals(modeled.policy()) || Long.parseLong(r.get("seed")) != modeled.seed()) {
        throw new IllegalArgumentException(realCsv + ": policy " + r.get("policy") + ", seed " + r.get("seed")
            + " do not match the modeled run's " + modeled.policy() + ", seed " + modeled.seed());
      }
      TenantMetrics m = modeled.tenant(r.get("tenant"));
      for (String metric : "inference".equals(r.get("kind")) ? INFERENCE : TRAINING) {
        rows.add(new Row(modeled.scenario(), modeled.policy(), m.tenant(), metric, num(r, metric, realCsv), of(m, metric)));
      }
    }
    rows.add(new Row(modeled.scenario(), modeled.policy(), GPU, "avgPowerW", num(real.get(0), "avgPowerW", realCsv),
        modeled.avgPowerW()));
    return rows;
  }

  private static double of(TenantMetrics m, String metric) {
    return switch (metric) {
      case "p50Ms" -> m.p50Ms();
      case "p99Ms" -> m.p99Ms();
      case "throughputPerSec" -> m.throughputPerSec();
      default -> throw new IllegalArgumentException(metric);
    };
  }

  private static double num(Map<String, String> row, String column, Path file) {
    try {
      return Double.parseDouble(row.get(column));
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(file + ": column '" + column + "' is not a number: '" + row.get(column) + "'");
    }
  }

  /** The rows of a run CSV by column name; errors name the file, line and column. */
  static List<Map<String, String>> readRunCsv(Path file) {
    return readTable(file, List.of("policy", "backend", "seed", "tenant", "kind", "throughputPerSec", "p50Ms", "p99Ms", "avgPowerW"));
  }

  private static List<Map<String, String>> readTable(Path file, List<String> columns) {
    List<Csv.Record> lines;
    try (java.io.Reader in = Files.newBufferedReader(file)) {
      lines = Csv.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (com.univocity.parsers.common.TextParsingException e) {
      throw new IllegalArgumentException(file + ": line " + (e.getLineIndex() + 1) + ": not valid CSV (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty file");
    List<String> header = Arrays.asList(lines.get(0).fields());
    for (String need : columns) {
      if (!header.contains(need)) throw new IllegalArgumentException(file + ": line 1 has no column '" + need + "' (found " + header + ")");
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).fields();
      if (f.length != header.size()) {
        throw new IllegalArgumentException(file + ": line " + lines.get(i).line() + " has " + f.length + " fields, the header " + header.size());
      }
      Map<String, String> row = new HashMap<>();
      for (int c = 0; c < f.length; c++) row.put(header.get(c), f[c]);
      rows.add(row);
    }
    if (rows.isEmpty()) throw new IllegalArgumentException(file + ": no rows");
    return rows;
  }

  /** The rows of a {@code comparison.csv} that {@link #toCsv} wrote. */
  public static List<Row> readCsv(Path file) {
    List<Row> rows = new ArrayList<>();
    for (Map<String, String> r : readTable(file, List.of("scenario", "policy", "tenant", "metric", "real", "realMin", "realMax",
        "realRuns", "modeled"))) {
      rows.add(new Row(r.get("scenario"), r.get("policy"), r.get("tenant"), r.get("metric"), num(r, "real", file),
          num(r, "realMin", file), num(r, "realMax", file), (int) num(r, "realRuns", file), num(r, "modeled", file)));
    }
    return rows;
  }

  public static String toCsv(List<Row> rows, double tolerancePct) {
    StringBuilder sb = new StringBuilder("scenario,policy,tenant,metric,real,realMin,realMax,realRuns,modeled,errPct,within"
        + plain(tolerancePct) + "Pct\n");
    for (Row r : rows) {
      sb.append(Csv.row(r.scenario(), r.policy(), r.tenant(), r.metric(), g(r.real()), g(r.realMin()), g(r.realMax()),
          Integer.toString(r.runs()), g(r.modeled()), g(r.errPct()), Boolean.toString(r.within(tolerancePct))));
    }
    return sb.toString();
  }

  /** A Markdown table, one line per scenario, policy and tenant, and a count of the metrics within tolerance. */
  public static String toMarkdown(List<Row> rows, double tolerancePct) {
    boolean several = rows.stream().anyMatch(r -> r.runs() > 1);
    StringBuilder sb = new StringBuilder(several
        ? "| scenario | policy | tenant | metric | real (median) | real runs | modeled | model error |\n|---|---|---|---|---|---|---|---|\n"
        : "| scenario | policy | tenant | metric | real | modeled | model error |\n|---|---|---|---|---|---|---|\n");
    int within = 0;
    int target = 0;
    for (Row r : rows) {
      boolean counted = !r.metric().equals("avgPowerW") && !r.metric().equals("p50Ms");
      String mark = r.within(tolerancePct) ? "" : " ✗";
      if (counted) {
        target++;
        if (r.within(tolerancePct)) within++;
      }
      String range = several ? " | " + fmt(r.realMin()) + "–" + fmt(r.realMax()) : "";
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s%s | %s | %+.0f%%%s |%n", r.scenario(), r.policy(), r.tenant(),
          r.metric(), fmt(r.real()), range, fmt(r.modeled()), r.errPct(), mark));
    }
    int runs = rows.stream().mapToInt(Row::runs).max().orElse(1);
    sb.append(String.format(Locale.ROOT, "%n%d of %d p99 and throughput values within %s%% of %s (✗: outside; p50 and power shown, not counted).%n",
        within, target, plain(tolerancePct), runs > 1 ? "the median of " + runs + " real runs" : "the real run"));
    return sb.toString();
  }

  private static String plain(double v) { return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString(); }

  private static String g(double v) { return String.format(Locale.ROOT, "%.6g", v); }

  private static String fmt(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }
}
