package io.lithosj.workload.trace;

import io.lithosj.output.Csv;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Per-kernel DRAM bytes measured by {@code validation/dram_bytes_ncu.py} (Nsight Compute's
 * {@code dram__bytes_read.sum + dram__bytes_write.sum} over one request/iteration of the same model at
 * the same shape, L2 not flushed), stored beside the raw trace as {@code <id>.dram.csv.gz}, paired with
 * the trace's kernel sequence.
 *
 * <p>Why measured: fitted from SM scaling alone, every flattening of a kernel's scaling curve reads as
 * bandwidth, and the fitted training jobs streamed DRAM at ~90% of peak where the counters show about
 * half (docs/validation.md). Pairing: the two tools demangle names differently (namespaces, argument
 * lists), so a kernel is keyed by its function name without namespaces and template arguments, its grid
 * and its block; the sequences are aligned by {@link SequenceAligner} on those keys. A kernel whose key
 * differs (e.g. a cuBLAS kernel chosen differently in the two runs) stays unmeasured.
 */
final class DramMeasurements {
  static final String SUFFIX = ".dram.csv.gz";
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  /** Bytes per kernel of the base sequence (NaN where unpaired) and how many were paired. */
  record Paired(double[] bytes, int matched) {}

  private DramMeasurements() {}

  /** The measurement file of a trace id in a raw folder, or null if there is none. */
  static Path fileFor(Path raw, String id) {
    Path p = raw.resolve(id + SUFFIX);
    return Files.exists(p) ? p : null;
  }

  static Paired pair(Path file, List<TraceKernel> base) throws IOException {
    List<String> keys = new ArrayList<>();
    List<Double> bytes = new ArrayList<>();
    try (Reader in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8)) {
      List<Csv.Record> rows = Csv.parse(in);
      if (rows.isEmpty()) throw new IOException(file + ": empty");
      List<String> head = List.of(rows.get(0).fields());
      int name = column(file, head, "name"), grid = column(file, head, "grid"), block = column(file, head, "block");
      int read = column(file, head, "dram_read_bytes"), write = column(file, head, "dram_write_bytes");
      for (Csv.Record r : rows.subList(1, rows.size())) {
        String[] f = r.fields();
        if (f.length != head.size()) {
          throw new IOException(file + " line " + r.line() + ": " + f.length + " fields, the header has " + head.size());
        }
        try {
          long rd = Long.parseLong(f[read]), wr = Long.parseLong(f[write]);
          if (rd < 0 || wr < 0) throw new NumberFormatException("negative byte count");
          bytes.add((double) (rd + wr));
        } catch (NumberFormatException e) {
          throw new IOException(file + " line " + r.line() + ": bad DRAM byte count (" + e.getMessage() + ")");
        }
        keys.add(key(f[name], dims(f[grid]), dims(f[block])));
      }
    }
    List<String> baseKeys = base.stream().map(k -> key(k.name(), new int[] {k.gridX(), k.gridY(), k.gridZ()},
        new int[] {k.blockX(), k.blockY(), k.blockZ()})).toList();
    int[] map = SequenceAligner.align(baseKeys, keys);
    double[] out = new double[base.size()];
    Arrays.fill(out, Double.NaN);
    for (int i = 0; i < map.length; i++) if (map[i] >= 0) out[i] = bytes.get(map[i]);
    return new Paired(out, SequenceAligner.matched(map));
  }

  /** {@code void at::native::vectorized_gather_kernel<16, long>(char*, ...)} -> {@code vectorized_gather_kernel}. */
  static String baseName(String name) {
    String head = name;
    for (char stop : new char[] {'<', '('}) {
      int i = head.indexOf(stop);
      if (i >= 0) head = head.substring(0, i);
    }
    head = head.replace("void ", "");
    int ns = head.lastIndexOf("::");
    return (ns < 0 ? head : head.substring(ns + 2)).strip();
  }

  private static String key(String name, int[] grid, int[] block) {
    return baseName(name) + "|" + Arrays.toString(grid) + "|" + Arrays.toString(block);
  }

  private static int[] dims(String s) {
    int[] d = {1, 1, 1};
    Matcher m = NUMBER.matcher(s);
    for (int i = 0; i < 3 && m.find(); i++) d[i] = Integer.parseInt(m.group());
    return d;
  }

  private static int column(Path file, List<String> head, String name) throws IOException {
    int i = head.indexOf(name);
    if (i < 0) throw new IOException(file + ": no column '" + name + "' (header " + head + ")");
    return i;
  }
}
