package io.lithosj.workload.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One model's request (inference) or iteration (training) as a compact per-kernel table: the
 * dataset form under {@code datasets/traces/<id>.csv.gz}. Lines starting with {@code #} carry
 * {@code key=value} metadata (model, kind, batch, how it was measured); then a header and one CSV
 * row per kernel in stream order. Only the name is quoted (C++ names hold commas). A trace whose
 * kernels' DRAM traffic was measured has one more column, {@code dram_bytes} (empty where a kernel was
 * not matched).
 */
public record ModelTrace(Map<String, String> meta, List<KernelRecord> kernels) {
  /** SM counts of the scaling columns: the whole H100 (primary context) and the green contexts. */
  public static final int[] SM_COUNTS = {132, 128, 96, 64, 32, 16, 8};

  static final String FORMAT = "lithosj-kernel-trace-v1";
  static final String COLUMNS = "seq,name,grid_x,grid_y,grid_z,block_x,block_y,block_z,regs,smem_bytes,stream,dur_us,"
      + "run_sm132_us,run_sm128_us,run_sm96_us,run_sm64_us,run_sm32_us,run_sm16_us,run_sm8_us,scaling_source";
  static final String DRAM_COLUMN = "dram_bytes";

  public ModelTrace {
    meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    kernels = List.copyOf(kernels);
  }

  public static int indexOfSms(int sms) {
    for (int i = 0; i < SM_COUNTS.length; i++) if (SM_COUNTS[i] == sms) return i;
    throw new IllegalArgumentException("no scaling column for " + sms + " SMs (have 132, 128, 96, 64, 32, 16, 8)");
  }

  public String id() { return meta.getOrDefault("id", "?"); }

  /** Sum of the whole-GPU kernel durations, in µs. */
  public double kernelUs() {
    double s = 0;
    for (KernelRecord k : kernels) s += k.durationUs();
    return s;
  }

  public void write(OutputStream out) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    w.write("# format=" + FORMAT + "\n");
    for (Map.Entry<String, String> e : meta.entrySet()) {
      w.write("# " + e.getKey() + "=" + e.getValue().replace('\n', ' ') + "\n");
    }
    boolean dram = kernels.stream().anyMatch(KernelRecord::hasDramBytes);
    w.write(COLUMNS + (dram ? "," + DRAM_COLUMN : "") + "\n");
    StringBuilder sb = new StringBuilder();
    for (KernelRecord k : kernels) {
      sb.setLength(0);
      sb.append(k.seq()).append(",\"").append(k.name().replace("\"", "\"\"")).append('"');
      for (long v : new long[] {k.gridX(), k.gridY(), k.gridZ(), k.blockX(), k.blockY(), k.blockZ(),
                                k.regsPerThread(), k.smemBytes(), k.stream()}) {
        sb.append(',').append(v);
      }
      sb.append(',').append(num(k.durationUs()));
      for (double v : k.runUs()) sb.append(',').append(Double.isNaN(v) ? "" : num(v));
      sb.append(',').append(k.scalingSource());
      if (dram) sb.append(',').append(k.hasDramBytes() ? Long.toString((long) k.dramBytes()) : "");
      sb.append('\n');
      w.write(sb.toString());
    }
    w.flush();
  }

  private static String num(double v) { return String.format(Locale.ROOT, "%.3f", v); }

  public static ModelTrace read(InputStream in, String source) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Map<String, String> meta = new LinkedHashMap<>();
    List<KernelRecord> rows = new ArrayList<>();
    String line;
    long n = 0;
    boolean header = false;
    boolean dram = false;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.startsWith("#")) {
        int eq = line.indexOf('=');
        if (eq < 0) throw new TraceFormatException(source, n, 1, -1, "metadata line without '='");
        meta.put(line.substring(1, eq).trim(), line.substring(eq + 1));
      } else if (!header) {
        dram = (COLUMNS + "," + DRAM_COLUMN).equals(line);
        if (!dram && !COLUMNS.equals(line)) {
          throw new TraceFormatException(source, n, 1, -1, "expected the columns '" + COLUMNS + "' (and optionally ',"
              + DRAM_COLUMN + "')");
        }
        if (!FORMAT.equals(meta.get("format"))) {
          throw new TraceFormatException(source, n, 1, -1, "not a " + FORMAT + " file (format=" + meta.get("format") + ")");
        }
        header = true;
      } else if (!line.isEmpty()) {
        rows.add(row(line, source, n, dram));
      }
    }
    if (!header) throw new TraceFormatException(source, n, 1, -1, "no column header");
    meta.remove("format");
    return new ModelTrace(meta, rows);
  }

  private static KernelRecord row(String line, String source, long n, boolean dram) throws TraceFormatException {
    int q1 = line.indexOf(",\"");
    int q2 = line.lastIndexOf("\",");
    if (q1 < 0 || q2 <= q1) throw new TraceFormatException(source, n, 1, -1, "expected a quoted kernel name in the second column");
    String name = line.substring(q1 + 2, q2).replace("\"\"", "\"");
    String[] rest = line.substring(q2 + 2).split(",", -1);
    int want = 9 + 1 + SM_COUNTS.length + 1 + (dram ? 1 : 0);
    if (rest.length != want) {
      throw new TraceFormatException(source, n, q2 + 3, -1, "expected " + want + " fields after the name, found " + rest.length);
    }
    try {
      int[] ints = new int[9];
      for (int i = 0; i < 9; i++) ints[i] = Integer.parseInt(rest[i]);
      double dur = Double.parseDouble(rest[9]);
      double[] run = new double[SM_COUNTS.length];
      for (int i = 0; i < run.length; i++) run[i] = rest[10 + i].isEmpty() ? Double.NaN : Double.parseDouble(rest[10 + i]);
      String last = rest[rest.length - 1];
      double dramBytes = !dram || last.isEmpty() ? Double.NaN : Long.parseLong(last);
      if (dramBytes < 0) throw new TraceFormatException(source, n, 1, -1, "dram_bytes must be >= 0, was " + last);
      return new KernelRecord(Integer.parseInt(line.substring(0, q1)), name, ints[0], ints[1], ints[2], ints[3], ints[4],
          ints[5], ints[6], ints[7], ints[8], dur, run, rest[10 + SM_COUNTS.length], dramBytes);
    } catch (NumberFormatException e) {
      throw new TraceFormatException(source, n, 1, -1, "bad number: " + e.getMessage());
    }
  }
}
