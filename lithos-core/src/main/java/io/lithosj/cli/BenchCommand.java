package io.lithosj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lithosj.experiment.RunResult;
import io.lithosj.home.LithosHome;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lithos bench}: how fast the modeled GPU simulates the paper scenarios on one thread, in
 * simulated GPU-seconds per CPU-second of that thread (CPU time, so other processes on a shared
 * machine disturb it less than wall time would) and thread blocks per CPU-second, beside a
 * baseline measured in the same run: a bare {@link PriorityQueue} of event objects doing one
 * push and one pop per event (the floor cost of any discrete-event loop). The figures are set
 * against a committed baseline ({@code bench-baseline.json}: command, machine, date) measured
 * before the speed-ups of issue 19. {@code --memory} also compares the heap a run keeps live
 * (the most heap in use after a full GC, sampled 20 times per run) at 8x the scenario's
 * duration against 1x.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Simulated GPU-seconds and thread blocks per CPU-second on the paper scenarios, beside a bare "
        + "event-queue baseline and the committed pre-speed-up figures.")
final class BenchCommand implements Callable<Integer> {
  static final String BASELINE_RESOURCE = "/io/lithosj/cli/bench-baseline.json";

  @Option(names = "--case", split = ",", description = "Scenario:policy pairs (default: the paper's hybrid and "
      + "inference-latency stacking under mps and lithos).",
      defaultValue = "bench/hybrid.json:mps,bench/hybrid.json:lithos,bench/inference-latency.json:mps,bench/inference-latency.json:lithos")
  List<String> cases;

  @Option(names = "--scenarios", description = "Scenario folder the cases name files in (default: the repository's datasets/scenarios).")
  Path scenarioDir;

  @Option(names = "--duration-ms", description = "Simulated ms per repetition, warm-up 10%% (default: ${DEFAULT-VALUE}).", defaultValue = "1000") double durationMs;
  @Option(names = "--reps", description = "Measured repetitions after one warm-up; the best counts (default: ${DEFAULT-VALUE}).", defaultValue = "3") int reps;
  @Option(names = "--baseline", description = "Baseline figures to compare with (default: the committed bench-baseline.json).")
  Path baselineFile;
  @Option(names = "--memory", description = "Also measure live heap of a run at 8x the scenario's duration against 1x.")
  boolean memory;
  @Option(names = "--memory-case", description = "Scenario:policy of the memory check (default: ${DEFAULT-VALUE}).", defaultValue = "bench/hybrid.json:lithos")
  String memoryCase;
  @Option(names = "--json", description = "Also write the figures to this file (the baseline file's format).") Path jsonOut;

  /** One measured case. */
  record Figure(String scenarioCase, double durationMs, long events, long blocks, double gpuSecPerCpuSec,
                double eventsPerCpuSec, double blocksPerCpuSec) {}

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Figure> figures = new ArrayList<>();
    long maxEvents = 0;
    for (String c : cases) {
      Scenario s = load(c).withDurationMs(durationMs, durationMs * 0.1);
      Runner.run(s); // warm-up (JIT)
      double bestCpuS = Double.POSITIVE_INFINITY;
      RunResult r = null;
      for (int i = 0; i < reps; i++) {
        long c0 = threads.getCurrentThreadCpuTime();
        r = Runner.run(s);
        bestCpuS = Math.min(bestCpuS, (threads.getCurrentThreadCpuTime() - c0) / 1e9);
      }
      Figure f = new Figure(c, durationMs, r.events(), r.blocksRun(), durationMs / 1000.0 / bestCpuS,
          r.events() / bestCpuS, r.blocksRun() / bestCpuS);
      figures.add(f);
      maxEvents = Math.max(maxEvents, r.events());
      System.out.printf(Locale.ROOT, "%-36s %,12d events %,14d blocks: %7.3f GPU-s/CPU-s %,12.0f events/s %,14.0f blocks/s%n",
          c, f.events, f.blocks, f.gpuSecPerCpuSec, f.eventsPerCpuSec, f.blocksPerCpuSec);
    }
    long baseEvents = Math.min(maxEvents, 20_000_000L);
    baseline(baseEvents); // warm-up
    double bestBase = 0;
    for (int i = 0; i < reps; i++) bestBase = Math.max(bestBase, baseline(baseEvents));
    System.out.printf(Locale.ROOT, "bare PriorityQueue loop:               %,12.0f events/s (same run; one push and pop per event)%n", bestBase);
    for (Figure f : figures) {
      System.out.printf(Locale.ROOT, "  %-36s modeled GPU / bare queue: %.2f (events/s)%n", f.scenarioCase, f.eventsPerCpuSec / bestBase);
    }
    compareWithBaseline(figures);
    Map<String, Object> mem = memory ? memoryCheck() : null;
    if (jsonOut != null) writeJson(figures, bestBase, mem);
    return 0;
  }

  private Scenario load(String scenarioCase) {
    int colon = scenarioCase.lastIndexOf(':');
    if (colon < 0) throw new IllegalArgumentException("--case wants scenario:policy, was '" + scenarioCase + "'");
    Path dir = scenarioDir != null ? scenarioDir : LithosHome.resolve("datasets/scenarios");
    return ScenarioLoader.load(dir.resolve(scenarioCase.substring(0, colon))).withPolicy(scenarioCase.substring(colon + 1));
  }

  private void compareWithBaseline(List<Figure> figures) {
    JsonNode base = readBaseline();
    if (base == null) return;
    System.out.printf(Locale.ROOT, "against the baseline of %s (%s, %s):%n", base.path("date").asText(), base.path("machine").asText(),
        base.path("command").asText());
    double logSum = 0;
    int n = 0;
    for (Figure f : figures) {
      JsonNode b = null;
      for (JsonNode e : base.path("figures")) if (e.path("scenarioCase").asText().equals(f.scenarioCase)) b = e;
      if (b == null || b.path("durationMs").asDouble() != f.durationMs) {
        System.out.printf(Locale.ROOT, "  %-36s no baseline figure at %.0f ms%n", f.scenarioCase, f.durationMs);
        continue;
      }
      double ratio = f.gpuSecPerCpuSec / b.path("gpuSecPerCpuSec").asDouble();
      if (b.path("events").asLong() != f.events || b.path("blocks").asLong() != f.blocks) {
        // other work than the baseline's (the model or the workload changed since): no speed ratio
        System.out.printf(Locale.ROOT, "  %-36s the run differs from the baseline's (%d events %d blocks there): not compared%n",
            f.scenarioCase, b.path("events").asLong(), b.path("blocks").asLong());
        continue;
      }
      System.out.printf(Locale.ROOT, "  %-36s %.3f GPU-s/CPU-s there, %.2fx now%n", f.scenarioCase, b.path("gpuSecPerCpuSec").asDouble(), ratio);
      logSum += Math.log(ratio);
      n++;
    }
    if (n > 0) System.out.printf(Locale.ROOT, "  geometric mean speed-up: %.2fx%n", Math.exp(logSum / n));
  }

  private JsonNode readBaseline() {
    try {
      if (baselineFile != null) return new ObjectMapper().readTree(baselineFile.toFile());
      try (InputStream in = BenchCommand.class.getResourceAsStream(BASELINE_RESOURCE)) {
        return in == null ? null : new ObjectMapper().readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bench baseline " + (baselineFile == null ? BASELINE_RESOURCE : baselineFile), e);
    }
  }

  /** Live heap (most in use after a full GC, sampled at 20 points) of a 1x and an 8x run. */
  private Map<String, Object> memoryCheck() {
    Scenario s = load(memoryCase);
    double d = s.durationMsOrDefault();
    double w = s.warmupMsOrDefault();
    long one = liveHeapBytes(s.withDurationMs(d, w));
    long eight = liveHeapBytes(s.withDurationMs(8 * d, w));
    System.out.printf(Locale.ROOT, "memory %s: live heap %.1f MB at %.0f ms, %.1f MB at %.0f ms (8x): %.2fx%n",
        memoryCase, one / 1e6, d, eight / 1e6, 8 * d, (double) eight / one);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("memoryCase", memoryCase);
    m.put("liveHeapBytes1x", one);
    m.put("liveHeapBytes8x", eight);
    m.put("ratio8xTo1x", (double) eight / one);
    return m;
  }

  private static long liveHeapBytes(Scenario s) {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long[] max = {0};
    Runner.run(s, progress -> {
      System.gc();
      max[0] = Math.max(max[0], mem.getHeapMemoryUsage().getUsed());
    });
    return max[0];
  }

  private void writeJson(List<Figure> figures, double bareQueue, Map<String, Object> mem) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("command", "lithos bench " + String.join(" ", ProcessHandle.current().info().arguments().map(List::of).orElse(List.of())));
    out.put("machine", System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version"));
    out.put("date", java.time.Instant.now().toString());
    out.put("bareQueueEventsPerSec", bareQueue);
    out.put("figures", figures);
    if (mem != null) out.put("memory", mem);
    try {
      io.lithosj.output.SafeOutput.write(jsonOut, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
      java.util.Map<String, String> hashes = new LinkedHashMap<>();
      for (String c : cases) hashes.put(c, io.lithosj.output.RunRecord.hash(load(c)));
      String name = jsonOut.getFileName().toString().replaceFirst("\\.json$", "");
      io.lithosj.output.RunRecord.write(jsonOut.resolveSibling(name + ".run.json"), LithosCli.typed(spec), List.of(jsonOut), hashes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Ev(double t, long seq, int payload) {}

  private static volatile long blackhole;

  /** Events per CPU-second of a bare object priority queue holding ~2000 pending events. */
  private static double baseline(long events) {
    PriorityQueue<Ev> q = new PriorityQueue<>((a, b) -> a.t != b.t ? Double.compare(a.t, b.t) : Long.compare(a.seq, b.seq));
    SplittableRandom rng = new SplittableRandom(1);
    long seq = 0;
    for (int i = 0; i < 2000; i++) q.add(new Ev(rng.nextDouble(), seq++, i));
    long sink = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long t0 = threads.getCurrentThreadCpuTime(); // CPU time, as the modeled GPU's figures
    for (long i = 0; i < events; i++) {
      Ev e = q.poll();
      sink += e.payload;
      q.add(new Ev(e.t + rng.nextDouble(), seq++, e.payload));
    }
    double s = (threads.getCurrentThreadCpuTime() - t0) / 1e9;
    blackhole = sink; // keeps the loop from being optimized away
    return events / s;
  }
}
