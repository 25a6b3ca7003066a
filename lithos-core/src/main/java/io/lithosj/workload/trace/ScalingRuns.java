package io.lithosj.workload.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The kernel sequences that {@code datasets/collect_traces.py} measured by re-running one
 * request/iteration on a given number of SMs (a CUDA green context, or the whole GPU): per SM
 * count, per iteration, the kernels in order with their durations. File format (TSV, gzip):
 * {@code sms, context, iteration, order, dur_ns, stream, name}.
 */
public record ScalingRuns(String source, Map<Integer, List<List<RunKernel>>> bySms) {
  public record RunKernel(String name, double durationUs) {}

  private static final String HEADER = "sms\tcontext\titeration\torder\tdur_ns\tstream\tname";

  public static ScalingRuns read(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, file.toString());
    }
  }

  public static ScalingRuns read(InputStream in, String source) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String header = r.readLine();
    if (!HEADER.equals(header)) {
      throw new TraceFormatException(source, 1, 1, -1, "expected the header '" + HEADER + "', found '" + header + "'");
    }
    Map<Integer, Map<Integer, List<RunKernel>>> runs = new TreeMap<>();
    Map<String, String> names = new HashMap<>();
    String line;
    long lineNo = 1;
    while ((line = r.readLine()) != null) {
      lineNo++;
      if (line.isEmpty()) continue;
      String[] f = line.split("\t", 7);
      if (f.length != 7) {
        throw new TraceFormatException(source, lineNo, 1, -1, "expected 7 tab-separated fields, found " + f.length);
      }
      int sms = parseInt(f[0], "sms", source, lineNo);
      int iteration = parseInt(f[2], "iteration", source, lineNo);
      int order = parseInt(f[3], "order", source, lineNo);
      long durNs = parseLong(f[4], "dur_ns", source, lineNo);
      List<RunKernel> it = runs.computeIfAbsent(sms, k -> new TreeMap<>()).computeIfAbsent(iteration, k -> new ArrayList<>());
      if (order != it.size()) {
        throw new TraceFormatException(source, lineNo, 1, -1, "kernel order " + order + " out of sequence (expected "
            + it.size() + " for " + sms + " SMs, iteration " + iteration + ")");
      }
      it.add(new RunKernel(names.computeIfAbsent(f[6], n -> n), durNs / 1000.0));
    }
    Map<Integer, List<List<RunKernel>>> out = new TreeMap<>();
    runs.forEach((sms, its) -> out.put(sms, List.copyOf(its.values().stream().map(List::copyOf).toList())));
    return new ScalingRuns(source, out);
  }

  private static int parseInt(String s, String field, String source, long line) throws TraceFormatException {
    long v = parseLong(s, field, source, line);
    if (v > Integer.MAX_VALUE) throw new TraceFormatException(source, line, 1, -1, "field '" + field + "' too large: " + s);
    return (int) v;
  }

  private static long parseLong(String s, String field, String source, long line) throws TraceFormatException {
    try {
      long v = Long.parseLong(s);
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new TraceFormatException(source, line, 1, -1, "field '" + field + "' is not a non-negative integer: '" + s + "'");
    }
  }
}
