package io.lithosj.workload.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads a torch.profiler / Kineto Chrome trace ({@code .json} or {@code .json.gz}) into a
 * {@link KernelTrace}, streaming: events are read one at a time with Jackson's {@link JsonParser},
 * and only the kernels, their launch times and the request ranges are kept, so the heap needed
 * grows with the number of kernels, not with the file (CPU-op events, most of a trace, are skipped).
 *
 * <p>What is read: {@code cat:"kernel"} events (name, ts, dur, args.grid, args.block,
 * args."registers per thread", args."shared memory", args.stream, args.correlation); the
 * {@code cuda_runtime}/{@code cuda_driver} calls that launched them (by correlation id); and the
 * ranges whose name matches the request pattern ({@code ProfilerStep#N} by default, or any
 * {@code record_function} label). A kernel belongs to the CPU-side range its launch call falls in;
 * when the trace has no CPU-side range of that pattern, to the {@code gpu_user_annotation} range
 * its execution falls in.
 */
public final class ChromeTraceImporter {
  /** The ranges {@code torch.profiler.profile.step()} records, one per profiled step. */
  public static final Pattern PROFILER_STEP = Pattern.compile("ProfilerStep#\\d+");

  private static final JsonFactory JSON = new JsonFactory();

  private final Pattern requestPattern;

  public ChromeTraceImporter() { this(PROFILER_STEP); }

  /** @param requestPattern  names of the annotation ranges that delimit requests/iterations */
  public ChromeTraceImporter(Pattern requestPattern) { this.requestPattern = requestPattern; }

  public static KernelTrace read(Path file) throws IOException { return new ChromeTraceImporter().importFile(file); }

  public KernelTrace importFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return importStream(in, file.toString());
    }
  }

  /** Reads a trace from {@code in} (gzip detected from the magic bytes); {@code source} names it in errors. */
  public KernelTrace importStream(InputStream in, String source) throws IOException {
    BufferedInputStream buf = new BufferedInputStream(in, 1 << 16);
    buf.mark(2);
    int b0 = buf.read();
    int b1 = buf.read();
    buf.reset();
    InputStream json = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buf, 1 << 16) : buf;
    Reader r = new Reader(source);
    try (JsonParser jp = JSON.createParser(json)) {
      try {
        r.document(jp);
      } catch (JsonEOFException e) {
        throw at(source, e.getLocation(), "truncated trace, " + e.getOriginalMessage(), e);
      } catch (StreamReadException e) {
        throw at(source, e.getLocation(), "malformed JSON, " + e.getOriginalMessage(), e);
      } catch (EOFException e) {
        throw at(source, jp.currentLocation(), "truncated compressed stream (" + e.getMessage() + ")", e);
      }
    }
    return r.result();
  }

  private static TraceFormatException at(String source, JsonLocation loc, String problem, Throwable cause) {
    return new TraceFormatException(source, loc.getLineNr(), loc.getColumnNr(), loc.getByteOffset(), problem, cause);
  }

  /** The fields of one event that matter here; reused from event to event. */
  private static final class Event {
    JsonLocation at;
    String name, cat, ph, badField;
    double ts, dur;
    long correlation;
    int regs, smem, stream;
    final int[] grid = new int[3];
    final int[] block = new int[3];

    void reset(JsonLocation loc) {
      at = loc;
      name = cat = ph = badField = null;
      ts = dur = Double.NaN;
      correlation = -1;
      regs = smem = 0;
      stream = -1;
      grid[0] = grid[1] = grid[2] = 0;
      block[0] = block[1] = block[2] = 0;
    }
  }

  private record Range(String name, double startUs, double endUs) {}

  private static final class Pending {
    TraceKernel kernel;
    final long correlation;
    Pending(TraceKernel k, long c) { kernel = k; correlation = c; }
  }

  private final class Reader {
    final String source;
    final Event ev = new Event();
    final List<Pending> kernels = new ArrayList<>();
    final List<Range> cpuRanges = new ArrayList<>();
    final List<Range> gpuRanges = new ArrayList<>();
    final Map<String, String> names = new HashMap<>();
    final LaunchTimes launches = new LaunchTimes();

    Reader(String source) { this.source = source; }

    TraceFormatException error(JsonLocation loc, String problem) {
      return at(source, loc, problem, null);
    }

    void document(JsonParser jp) throws IOException {
      JsonToken t = jp.nextToken();
      if (t == null) throw error(jp.currentLocation(), "empty trace");
      if (t == JsonToken.START_ARRAY) {
        events(jp);
      } else if (t == JsonToken.START_OBJECT) {
        boolean seen = false;
        while (jp.nextToken() == JsonToken.FIELD_NAME) {
          String field = jp.currentName();
          JsonToken v = jp.nextToken();
          if ("traceEvents".equals(field)) {
            if (v != JsonToken.START_ARRAY) throw error(jp.currentTokenLocation(), "'traceEvents' must be an array, found " + v);
            events(jp);
            seen = true;
          } else {
            jp.skipChildren();
          }
        }
        if (!seen) throw error(jp.currentLocation(), "no 'traceEvents' array in the trace object");
      } else {
        throw error(jp.currentTokenLocation(), "a Chrome trace starts with '{' or '[', found " + t);
      }
      if (jp.nextToken() != null) throw error(jp.currentTokenLocation(), "content after the end of the trace");
    }

    void events(JsonParser jp) throws IOException {
      JsonToken t;
      while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) throw error(jp.currentTokenLocation(), "a trace event must be an object, found " + t);
        ev.reset(jp.currentTokenLocation());
        fields(jp);
        use();
      }
    }

    void fields(JsonParser jp) throws IOException {
      while (jp.nextToken() == JsonToken.FIELD_NAME) {
        String f = jp.currentName();
        JsonToken v = jp.nextToken();
        switch (f) {
          case "name" -> ev.name = text(jp, v, f);
          case "cat" -> ev.cat = text(jp, v, f);
          case "ph" -> ev.ph = text(jp, v, f);
          case "ts" -> ev.ts = number(jp, v, f);
          case "dur" -> ev.dur = number(jp, v, f);
          case "args" -> {
            if (v == JsonToken.START_OBJECT) args(jp);
            else jp.skipChildren();
          }
          default -> jp.skipChildren();
        }
      }
    }

    void args(JsonParser jp) throws IOException {
      while (jp.nextToken() == JsonToken.FIELD_NAME) {
        String f = jp.currentName();
        JsonToken v = jp.nextToken();
        switch (f) {
          case "correlation" -> ev.correlation = integer(jp, v, "args.correlation", Long.MAX_VALUE);
          case "registers per thread" -> ev.regs = (int) integer(jp, v, "args.registers per thread", Integer.MAX_VALUE);
          case "shared memory" -> ev.smem = (int) integer(jp, v, "args.shared memory", Integer.MAX_VALUE);
          case "stream" -> ev.stream = (int) integer(jp, v, "args.stream", Integer.MAX_VALUE);
          case "grid" -> dim3(jp, v, ev.grid, "args.grid");
          case "block" -> dim3(jp, v, ev.block, "args.block");
          default -> jp.skipChildren();
        }
      }
    }

    String text(JsonParser jp, JsonToken v, String field) throws IOException {
      if (v == JsonToken.VALUE_STRING) return jp.getText();
      bad(field, v);
      jp.skipChildren();
      return null;
    }

    double number(JsonParser jp, JsonToken v, String field) throws IOException {
      if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) return jp.getDoubleValue();
      bad(field, v);
      jp.skipChildren();
      return Double.NaN;
    }

    long integer(JsonParser jp, JsonToken v, String field, long max) throws IOException {
      if (v == JsonToken.VALUE_NUMBER_INT) {
        long x = jp.getLongValue();
        if (x >= 0 && x <= max) return x;
      }
      bad(field, v);
      jp.skipChildren();
      return -1;
    }

    void dim3(JsonParser jp, JsonToken v, int[] into, String field) throws IOException {
      if (v != JsonToken.START_ARRAY) {
        bad(field, v);
        jp.skipChildren();
        return;
      }
      int i = 0;
      JsonToken t;
      while ((t = jp.nextToken()) != JsonToken.END_ARRAY) {
        long x = integer(jp, t, field + "[" + i + "]", Integer.MAX_VALUE);
        if (i < 3) into[i] = (int) x;
        i++;
      }
      if (i == 0 || i > 3) ev.badField = ev.badField != null ? ev.badField : field + " must have 1 to 3 entries, has " + i;
      for (int k = i; k < 3; k++) into[k] = 1;
    }

    void bad(String field, JsonToken found) {
      if (ev.badField == null) ev.badField = "field '" + field + "' has the wrong type (" + found + ")";
    }

    /** Keeps what this event contributes: a kernel, a launch time, or a request range. */
    void use() throws TraceFormatException {
      if ("kernel".equals(ev.cat)) {
        if (ev.badField != null) throw error(ev.at, "kernel event: " + ev.badField);
        if (ev.name == null) throw error(ev.at, "kernel event without 'name'");
        if (!Double.isFinite(ev.ts)) throw error(ev.at, "kernel event '" + shortName() + "' without a numeric 'ts'");
        if (!(ev.dur >= 0)) throw error(ev.at, "kernel event '" + shortName() + "' without a non-negative 'dur'");
        // a launch the GPU would refuse: no grid or block given (no 'args'), a zero dimension, over 1024 threads
        checkShape("args.grid", ev.grid);
        checkShape("args.block", ev.block);
        long threads = (long) ev.block[0] * ev.block[1] * ev.block[2];
        if (threads > 1024) throw error(ev.at, "kernel event '" + shortName() + "': " + threads + " threads per block, a GPU allows 1024");
        String name = names.computeIfAbsent(ev.name, n -> n);
        TraceKernel k = new TraceKernel(-1, -1, name, ev.grid[0], ev.grid[1], ev.grid[2],
            ev.block[0], ev.block[1], ev.block[2], ev.regs, ev.smem, ev.stream, ev.ts, ev.dur);
        kernels.add(new Pending(k, ev.correlation));
      } else if (("cuda_runtime".equals(ev.cat) || "cuda_driver".equals(ev.cat)) && ev.correlation >= 0) {
        if (!Double.isFinite(ev.ts)) throw error(ev.at, "launch call '" + shortName() + "' without a numeric 'ts'");
        launches.add(ev.correlation, ev.ts);
      } else if (ev.name != null && requestPattern.matcher(ev.name).matches()) {
        if (!Double.isFinite(ev.ts) || !(ev.dur >= 0)) {
          throw error(ev.at, "request range '" + ev.name + "' without numeric 'ts' and 'dur'");
        }
        Range r = new Range(ev.name, ev.ts, ev.ts + ev.dur);
        if ("gpu_user_annotation".equals(ev.cat)) gpuRanges.add(r);
        else cpuRanges.add(r);
      }
    }

    /** Every dimension given and at least 1: a kernel event without {@code args} has none. */
    void checkShape(String field, int[] dims) throws TraceFormatException {
      if (dims[0] <= 0 || dims[1] <= 0 || dims[2] <= 0) {
        throw error(ev.at, "kernel event '" + shortName() + "': " + (dims[0] == 0 && dims[1] == 0 && dims[2] == 0
            ? "no '" + field + "'" : "'" + field + "' " + Arrays.toString(dims) + " has a dimension below 1"));
      }
    }

    String shortName() { return ev.name == null ? "?" : ev.name.length() > 80 ? ev.name.substring(0, 80) + "..." : ev.name; }

    KernelTrace result() {
      launches.sort();
      Comparator<Range> byStart = Comparator.comparingDouble(Range::startUs);
      cpuRanges.sort(byStart);
      gpuRanges.sort(byStart);
      boolean cpu = !cpuRanges.isEmpty();
      List<Range> ranges = cpu ? cpuRanges : gpuRanges;
      kernels.sort(Comparator.comparingDouble(p -> p.kernel.startUs()));
      int[] next = new int[ranges.size() + 1];
      List<TraceKernel> out = new ArrayList<>(kernels.size());
      for (Pending p : kernels) {
        TraceKernel k = p.kernel;
        double t = cpu ? launches.timeOf(p.correlation) : k.startUs();
        int req = Double.isNaN(t) ? -1 : containing(ranges, t);
        int seq = next[req + 1]++;
        out.add(new TraceKernel(req, seq, k.name(), k.gridX(), k.gridY(), k.gridZ(), k.blockX(), k.blockY(),
            k.blockZ(), k.regsPerThread(), k.smemBytes(), k.stream(), k.startUs(), k.durationUs()));
        p.kernel = null; // let the placeholder go as we build the final list
      }
      return new KernelTrace(source, out, ranges.stream().map(Range::name).toList());
    }
  }

  /** Index of the latest-starting range that contains {@code t}, or -1. */
  private static int containing(List<Range> ranges, double t) {
    int lo = 0, hi = ranges.size() - 1, last = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (ranges.get(mid).startUs() <= t) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    for (int i = last; i >= 0; i--) if (t <= ranges.get(i).endUs()) return i;
    return -1;
  }

  /** Launch-call start time by correlation id, in two primitive arrays (no boxing per launch). */
  static final class LaunchTimes {
    private long[] ids = new long[1024];
    private double[] times = new double[1024];
    private int n;

    void add(long id, double t) {
      if (n == ids.length) {
        ids = java.util.Arrays.copyOf(ids, n * 2);
        times = java.util.Arrays.copyOf(times, n * 2);
      }
      ids[n] = id;
      times[n++] = t;
    }

    void sort() { quicksort(0, n - 1); }

    /** Start time of the call with this correlation id, NaN if none. */
    double timeOf(long id) {
      int lo = 0, hi = n - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (ids[mid] < id) lo = mid + 1;
        else if (ids[mid] > id) hi = mid - 1;
        else return times[mid];
      }
      return Double.NaN;
    }

    private void quicksort(int lo, int hi) {
      while (lo < hi) {
        long pivot = ids[(lo + hi) >>> 1];
        int i = lo, j = hi;
        while (i <= j) {
          while (ids[i] < pivot) i++;
          while (ids[j] > pivot) j--;
          if (i <= j) swap(i++, j--);
        }
        if (j - lo < hi - i) { // recurse into the smaller side, loop on the larger
          quicksort(lo, j);
          lo = i;
        } else {
          quicksort(i, hi);
          hi = j;
        }
      }
    }

    private void swap(int a, int b) {
      long id = ids[a];
      ids[a] = ids[b];
      ids[b] = id;
      double t = times[a];
      times[a] = times[b];
      times[b] = t;
    }
  }
}
