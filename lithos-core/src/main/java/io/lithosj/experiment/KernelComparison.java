package io.lithosj.experiment;

import io.lithosj.output.Csv;
import static io.lithosj.stats.Stats.median;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The modeled GPU beside the real one kernel by kernel, from atom logs ({@code lithos run --atom-log}):
 * for each tenant's kernel, the median and 90th percentile of launch to completion seen, per atom,
 * after the warm-up. What a request-level miss in {@link RealComparison} is made of: a kernel slower
 * alone, or slower only beside another tenant. Real values: median over the repeated runs of each
 * run's statistic, with the runs' range.
 */
public final class KernelComparison {
  private KernelComparison() {}

  /** One kernel of one tenant under one policy; times in µs. */
  public record Row(String scenario, String policy, String tenant, String kernel, int realRuns, double realMedianUs,
                    double realMinUs, double realMaxUs, double realP90Us, double modeledMedianUs, double modeledP90Us) {
    public double errPct() { return (modeledMedianUs - realMedianUs) / realMedianUs * 100.0; }
  }

  /**
   * Host stalls of one real run: pauses in which the GPU had finished an atom but the host saw it
   * 1 ms or more later (the poll loop did not run). Atoms seen at the same poll count as one pause.
   */
  public record Stalls(String scenario, String policy, String run, int pauses, double longestMs, double totalMs) {}

  static final double STALL_MS = 1.0;

  /** The host stalls in a real run's atom log, atoms submitted from {@code warmupMs} on. */
  public static Stalls hostStalls(String scenario, String policy, double warmupMs, Path realLog) {
    Map<Long, Double> pauseBySeen = new java.util.TreeMap<>(); // seen time (0.1 ms) -> longest gap
    for (AtomLog.Entry e : read(realLog)) {
      double gap = e.seenMs() - e.endMs();
      if (e.submitMs() < warmupMs || gap < STALL_MS) continue;
      pauseBySeen.merge(Math.round(e.seenMs() * 10), gap, Math::max);
    }
    String run = realLog.getParent() != null && realLog.getParent().getFileName() != null
        ? realLog.getParent().getFileName().toString() : realLog.toString();
    return new Stalls(scenario, policy, run, pauseBySeen.size(),
        pauseBySeen.values().stream().mapToDouble(Double::doubleValue).max().orElse(0),
        pauseBySeen.values().stream().mapToDouble(Double::doubleValue).sum());
  }

  /** A run's per-atom launch-to-seen times (µs) by tenant and kernel, atoms submitted from {@code warmupMs} on. */
  static Map<String, List<Double>> launchToSeenUs(List<AtomLog.Entry> atoms, double warmupMs) {
    Map<String, List<Double>> by = new LinkedHashMap<>();
    for (AtomLog.Entry e : atoms) {
      if (e.submitMs() < warmupMs) continue;
      by.computeIfAbsent(e.tenant() + "\t" + e.kernel(), k -> new ArrayList<>()).add((e.seenMs() - e.launchMs()) * 1000.0);
    }
    return by;
  }

  /** Rows for one scenario and policy: real atom logs of repeated runs against the modeled run's. */
  public static List<Row> compare(String scenario, String policy, double warmupMs, List<Path> realLogs, List<AtomLog.Entry> modeled) {
    List<Map<String, List<Double>>> real = realLogs.stream().map(f -> launchToSeenUs(read(f), warmupMs)).toList();
    Map<String, List<Double>> model = launchToSeenUs(modeled, warmupMs);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Double>> m : model.entrySet()) {
      double[] med = real.stream().filter(r -> r.containsKey(m.getKey())).mapToDouble(r -> quantile(r.get(m.getKey()), 0.5)).toArray();
      if (med.length == 0) continue;
      double[] p90 = real.stream().filter(r -> r.containsKey(m.getKey())).mapToDouble(r -> quantile(r.get(m.getKey()), 0.9)).toArray();
      String[] tk = m.getKey().split("\t", 2);
      rows.add(new Row(scenario, policy, tk[0], tk[1], med.length, median(med), Arrays.stream(med).min().orElseThrow(),
          Arrays.stream(med).max().orElseThrow(), median(p90), quantile(m.getValue(), 0.5), quantile(m.getValue(), 0.9)));
    }
    return rows;
  }

  /** Nearest-rank quantile. */
  static double quantile(List<Double> v, double q) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s[Math.min(s.length - 1, Math.max(0, (int) Math.ceil(q * s.length) - 1))];
  }

  /** The atom log {@code <scenario>-<policy>-atoms.csv} or {@code .csv.gz} in {@code dir}, or null. */
  public static Path logIn(Path dir, String scenario, String policy) {
    for (String ext : List.of(".csv", ".csv.gz")) {
      Path p = io.lithosj.output.SafeOutput.resultFile(dir, scenario, policy, "-atoms" + ext);
      if (Files.isRegularFile(p)) return p;
    }
    return null;
  }

  private static final List<String> COLUMNS = List.of("tenant", "launchId", "seq", "kernel", "atomId", "blockLo", "blockHi",
      "tpcs", "priority", "submitMs", "launchMs", "startMs", "endMs", "seenMs");

  /** Reads an atom log as {@link AtomLog#writeCsv} wrote it (optionally gzipped); errors name the file and line. */
  public static List<AtomLog.Entry> read(Path file) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file),
        StandardCharsets.UTF_8))) {
      List<Csv.Record> recs;
      try {
        recs = Csv.parse(r);
      } catch (com.univocity.parsers.common.TextParsingException e) {
        throw new IllegalArgumentException(file + ": line " + (e.getLineIndex() + 1) + ": not valid CSV");
      }
      if (recs.isEmpty() || !Arrays.asList(recs.get(0).fields()).equals(COLUMNS)) {
        throw new IllegalArgumentException(file + ": line 1 is not an atom log header (expected " + String.join(",", COLUMNS) + ")");
      }
      List<AtomLog.Entry> out = new ArrayList<>();
      for (Csv.Record rec : recs.subList(1, recs.size())) {
        long line = rec.line();
        String[] f = rec.fields();
        if (f.length != COLUMNS.size()) throw new IllegalArgumentException(file + ": line " + line + " has " + f.length + " fields, not 14");
        try {
          out.add(new AtomLog.Entry(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3], Long.parseLong(f[4]),
              Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]),
              Double.parseDouble(f[9]), Double.parseDouble(f[10]), Double.parseDouble(f[11]), Double.parseDouble(f[12]),
              Double.parseDouble(f[13])));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + ": line " + line + ": " + e.getMessage());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String f2(double v) { return String.format(Locale.ROOT, "%.2f", v); }

  public static String toCsv(List<Row> rows) {
    StringBuilder b = new StringBuilder("scenario,policy,tenant,kernel,realRuns,realMedianUs,realMinUs,realMaxUs,realP90Us,"
        + "modeledMedianUs,modeledP90Us,errPct\n");
    for (Row r : rows) {
      b.append(Csv.row(r.scenario(), r.policy(), r.tenant(), r.kernel(), Integer.toString(r.realRuns()), f2(r.realMedianUs()),
          f2(r.realMinUs()), f2(r.realMaxUs()), f2(r.realP90Us()), f2(r.modeledMedianUs()), f2(r.modeledP90Us()),
          String.format(Locale.ROOT, "%.1f", r.errPct())));
    }
    return b.toString();
  }

  /** Long library kernel names cut to 48 characters for the table (the CSV keeps them whole). */
  static String shortName(String kernel) {
    String k = kernel.replace("|", "/");
    return k.length() <= 48 ? k : k.substring(0, 47) + "…";
  }

  public static String toMarkdown(List<Row> rows) { return toMarkdown(rows, List.of()); }

  public static String toMarkdown(List<Row> rows, List<Stalls> stalls) {
    StringBuilder b = new StringBuilder("| scenario | policy | tenant | kernel | real median µs | real runs | real p90 µs "
        + "| modeled median µs | modeled p90 µs | model error |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %s | %.1f | %.1f | %.1f | %+.0f%% |%n", r.scenario(),
          r.policy(), r.tenant(), shortName(r.kernel()), r.realMedianUs(),
          r.realRuns() > 1 ? String.format(Locale.ROOT, "%.1f–%.1f (%d)", r.realMinUs(), r.realMaxUs(), r.realRuns()) : "1",
          r.realP90Us(), r.modeledMedianUs(), r.modeledP90Us(), r.errPct()));
    }
    b.append("\nPer atom, launch call to completion seen by the host, atoms submitted after the warm-up (")
        .append("`lithos run --atom-log`). Real: median over the runs with atom logs of each run's median and p90.\n\n");
    rows.stream().map(Row::scenario).distinct().forEach(sc -> {
      double[] err = rows.stream().filter(r -> r.scenario().equals(sc)).mapToDouble(r -> Math.abs(r.errPct())).toArray();
      long within = Arrays.stream(err).filter(e -> e <= 15).count();
      b.append(String.format(Locale.ROOT, "- %s: %d of %d kernel medians within 15%%, median |error| %.1f%%%n", sc, within, err.length,
          median(err)));
    });
    if (!stalls.isEmpty()) {
      b.append("\nHost stalls in the real runs (an atom's completion seen 1 ms or more after it ended; atoms seen at the same ")
          .append("poll are one pause; the modeled GPU has none):\n\n| scenario | policy | run | pauses | longest ms | total ms |\n")
          .append("|---|---|---|---|---|---|\n");
      for (Stalls st : stalls) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %.1f |%n", st.scenario(), st.policy(), st.run(), st.pauses(),
            st.longestMs(), st.totalMs()));
      }
    }
    return b.toString();
  }
}
