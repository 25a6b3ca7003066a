package io.lithosj.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.backend.DispatchModel;
import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenario.TenantConfig;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.experiment.Sweep;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.stats.Stats;
import io.lithosj.workload.Launch;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The validation set (issue 14): real PyTorch stacking runs ({@link RealRun}) beside the same runs
 * on the modeled GPU. Each (pair, load) has a scenario file {@code <pair>-<load>.json} naming the
 * tenants at the paper's shapes; the modeled runs take from the real ones only what defines the
 * experiment, never an outcome: each HP tenant's arrival rate ({@code rate_rps}, the same offered
 * load), the run and warm-up length, the mechanism and, for the green-context split, its SM counts.
 *
 * <p>Mechanism to policy: {@code time-slicing} and {@code mps} and {@code priority} to the policies
 * of those names, {@code green-split} to {@code mig} with {@code partitionBandwidth=false},
 * {@code splitByTpcQuota=true} and each tenant's TPC quota = its real SM count / 2. {@code alone}
 * runs are each tenant by itself (policy {@code mps}, nothing to share with).
 *
 * <p>Metrics per mechanism run: HP p99 (p50) over the same tenant's p99 (p50) alone at the same
 * load, BE throughput retained (over its throughput alone). Each stacked repetition (seed) is divided
 * by the alone run of the same repetition (seed), which had the same arrivals, then the median is
 * taken over repetitions (seeds); the real BE retained is the harness's own {@code retained} (over
 * the BE-alone run of the same repetition). A run is stable when the majority of its repetitions
 * (seeds) are, ties counting as unstable.
 */
public final class Validation {
  private Validation() {}

  public static final String P99 = "hp_p99_over_solo";
  public static final String P50 = "hp_p50_over_solo";
  public static final String BE_RETAINED = "be_retained";
  /** Tolerances of issue 14 for runs stable on the real GPU. */
  public static final double P99_TOLERANCE = 0.25, P50_TOLERANCE = 0.15, BE_TOLERANCE_ABS = 0.05;

  /**
   * @param scenarioDir    folder of the {@code <pair>-<load>.json} scenario files
   * @param seeds          modeled runs per mechanism (seeds scenario seed, +1, ...)
   * @param maxDurationMs  cap on a modeled run's length (warm-up scaled alike); 0 = the real run's length
   * @param only           {@code pair@load} keys to run (empty = all), e.g. {@code resnet50+mobilenetv2@0.2}
   * @param calibrated     policy name → parameters measured on the real GPU (e.g. {@link TimeSliceProbe#params()}
   *                       for {@code time-slicing}), over the scenario's and the mapping's
   */
  public record Options(Path scenarioDir, int seeds, double maxDurationMs, int threads, Set<String> only, Consumer<String> log,
                        Map<String, Map<String, Object>> calibrated) {
    public Options(Path scenarioDir, int seeds, double maxDurationMs, int threads, Set<String> only, Consumer<String> log) {
      this(scenarioDir, seeds, maxDurationMs, threads, only, log, Map.of());
    }

    public Options {
      calibrated = calibrated == null ? Map.of() : Map.copyOf(calibrated);
      if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, was " + seeds);
      if (!(maxDurationMs >= 0)) throw new IllegalArgumentException("maxDurationMs must be >= 0, was " + maxDurationMs);
      only = only == null ? Set.of() : Set.copyOf(only);
      log = log == null ? s -> {} : log;
    }
  }

  /** One value compared: {@code pair} carries {@code /tenant} where the pair has two tenants of the metric's class. */
  public record Cell(String pair, double load, String mechanism, String metric, double real, double modeled,
                     boolean realStable, boolean modeledStable) {
    /**
     * Issue 14's rule: for a run stable on the real GPU, the modeled value within 25% (p99/solo),
     * 15% (p50/solo) or 0.05 absolute (BE retained); for a real run that went unstable, the
     * modeled run unstable too.
     */
    public boolean met() {
      if (!realStable) return !modeledStable;
      if (!Double.isFinite(modeled) || !Double.isFinite(real)) return false;
      return switch (metric) {
        case P99 -> real > 0 && Math.abs(modeled / real - 1) <= P99_TOLERANCE + 1e-12;
        case P50 -> real > 0 && Math.abs(modeled / real - 1) <= P50_TOLERANCE + 1e-12;
        case BE_RETAINED -> Math.abs(modeled - real) <= BE_TOLERANCE_ABS + 1e-12;
        default -> throw new IllegalStateException("unknown metric " + metric);
      };
    }
  }

  /**
   * @param realGpu     the GPU(s) the real runs name
   * @param modeledGpu  the modeled GPU(s) the scenario files name
   * @param notes       what the reader must know: skipped runs, shapes that differ from the real ones
   */
  public record Result(List<Cell> cells, String realGpu, String modeledGpu, int seeds, List<String> notes) {
    public long met() { return cells.stream().filter(Cell::met).count(); }
  }

  /** Policy and parameters for a real mechanism (see the class comment). */
  static Scenario.PolicyConfig policyFor(String mechanism) {
    return switch (mechanism) {
      case "time-slicing", "mps", "priority" -> new Scenario.PolicyConfig(mechanism, Map.of());
      case "green-split" -> new Scenario.PolicyConfig("mig", Map.of("partitionBandwidth", false, "splitByTpcQuota", true));
      case "alone" -> new Scenario.PolicyConfig("mps", Map.of());
      default -> throw new IllegalArgumentException("mechanism '" + mechanism + "' has no modeled policy (known: "
          + RealRun.MECHANISMS + ")");
    };
  }

  /** {@code 0.2} → {@code "0.2"}: how loads appear in file names and {@code pair@load} keys. */
  public static String loadText(double load) { return BigDecimal.valueOf(load).stripTrailingZeros().toPlainString(); }

  /** One (pair, load) of the real runs, with its scenario and the modeled runs to make. */
  static final class Group {
    final String pair;
    final double load;
    final Scenario base;
    final List<RealRun> rows = new ArrayList<>();
    /** Modeled runs: "mechanism" or "alone/tenant" → one scenario per seed. */
    final Map<String, List<Scenario>> planned = new LinkedHashMap<>();
    final Map<String, List<RunResult>> results = new LinkedHashMap<>();

    Group(String pair, double load, Scenario base) {
      this.pair = pair;
      this.load = load;
      this.base = base;
    }

    String key() { return pair + "@" + loadText(load); }

    List<RealRun> rows(String mechanism) { return rows.stream().filter(r -> r.mechanism().equals(mechanism)).toList(); }

    List<String> mechanisms() {
      Set<String> m = new LinkedHashSet<>();
      for (String known : RealRun.MECHANISMS) if (!known.equals("alone") && !rows(known).isEmpty()) m.add(known);
      return List.copyOf(m);
    }
  }

  /** Runs the modeled side of every (pair, load) in {@code real} and compares. */
  public static Result run(List<RealRun> real, Options o) {
    List<String> notes = new ArrayList<>();
    List<Group> groups = plan(real, o, notes);
    List<Scenario> all = new ArrayList<>();
    for (Group g : groups) g.planned.values().forEach(all::addAll);
    o.log().accept("modeled runs: " + all.size() + " (" + groups.size() + " pair/load groups, " + o.seeds() + " seed(s) each)");
    List<RunResult> done = Sweep.run(all, o.threads(), o.log());
    int i = 0;
    for (Group g : groups) {
      for (var e : g.planned.entrySet()) {
        g.results.put(e.getKey(), done.subList(i, i + e.getValue().size()));
        i += e.getValue().size();
      }
    }
    List<Cell> cells = new ArrayList<>();
    for (Group g : groups) cells.addAll(compare(g, notes));
    Set<String> realGpus = new TreeSet<>();
    real.stream().filter(r -> r.gpu() != null).forEach(r -> realGpus.add(r.gpu()));
    Set<String> modeledGpus = new TreeSet<>();
    groups.forEach(g -> modeledGpus.add(g.base.gpuSpec().name()));
    return new Result(cells, String.join(", ", realGpus), String.join(", ", modeledGpus), o.seeds(), notes);
  }

  /** Groups the real runs, checks each against its scenario file and plans the modeled runs. */
  static List<Group> plan(List<RealRun> real, Options o, List<String> notes) {
    Map<String, Group> groups = new TreeMap<>();
    int failed = 0;
    for (RealRun r : real) {
      if (r.failed()) {
        failed++;
        String err = r.error().strip();
        notes.add("real run left out, it failed: " + r.source() + " (" + r.pair() + " @" + (r.load() == null ? "?" : loadText(r.load()))
            + " " + r.mechanism() + "): " + (err.length() > 200 ? "..." + err.substring(err.length() - 200) : err).replace('\n', ' '));
        continue;
      }
      String key = r.pair() + "@" + loadText(r.load());
      if (!o.only().isEmpty() && !o.only().contains(key)) continue;
      Group g = groups.get(key);
      if (g == null) {
        Path f = o.scenarioDir().resolve(r.pair() + "-" + loadText(r.load()) + ".json");
        if (!Files.isRegularFile(f)) {
          throw new IllegalArgumentException(r.source() + ": no scenario file for pair '" + r.pair() + "' at load "
              + loadText(r.load()) + ": expected " + f);
        }
        g = new Group(r.pair(), r.load(), ScenarioLoader.load(f));
        groups.put(key, g);
      }
      checkMapping(g, r);
      g.rows.add(r);
    }
    if (!o.only().isEmpty()) {
      for (String k : o.only()) if (!groups.containsKey(k)) throw new IllegalArgumentException("--only " + k + ": no real runs of that pair@load");
    }
    if (groups.isEmpty()) throw new IllegalArgumentException("no real runs to compare" + (failed > 0 ? " (" + failed + " failed)" : ""));
    for (Group g : groups.values()) planGroup(g, o, notes);
    return List.copyOf(groups.values());
  }

  /** A real run's tenants must be the scenario's, in the same class, of the same model. */
  static void checkMapping(Group g, RealRun r) {
    Map<String, TenantConfig> byName = new LinkedHashMap<>();
    for (TenantConfig t : g.base.tenants()) byName.put(t.name(), t);
    String where = r.source() + ": " + r.pair() + " @" + loadText(r.load()) + " " + r.mechanism() + " against scenario '"
        + g.base.nameOrDefault() + "'";
    for (RealRun.Hp h : r.hp()) check(where, byName.get(h.tenant()), h.tenant(), Priority.HP, h.model(), h.batch(), byName.keySet());
    for (RealRun.Be b : r.be()) check(where, byName.get(b.tenant()), b.tenant(), Priority.BE, b.model(), b.batch(), byName.keySet());
    if (!r.mechanism().equals("alone") && !new LinkedHashSet<>(r.tenants()).equals(byName.keySet())) {
      throw new IllegalArgumentException(where + ": tenants " + r.tenants() + " are not the scenario's " + byName.keySet());
    }
  }

  private static void check(String where, TenantConfig t, String tenant, Priority prio, String model, Integer batch, Set<String> known) {
    if (t == null) throw new IllegalArgumentException(where + ": tenant '" + tenant + "' is not in the scenario (known: " + known + ")");
    Priority p = t.priority() == null ? Priority.BE : t.priority();
    if (p != prio) throw new IllegalArgumentException(where + ": tenant '" + tenant + "' is " + prio + " in the real run but " + p + " in the scenario");
    // a trace registered per part (gptj-6b-decode) stands for its model until whole requests exist
    if (model != null && t.model() != null && !t.model().equals(model) && !t.model().startsWith(model + "-")) {
      throw new IllegalArgumentException(where + ": tenant '" + tenant + "' runs model '" + model + "' for real but '" + t.model() + "' in the scenario");
    }
    if (batch != null && t.batchSize() != null && !batch.equals(t.batchSize())) {
      throw new IllegalArgumentException(where + ": tenant '" + tenant + "' has batch " + batch + " for real but " + t.batchSize() + " in the scenario");
    }
  }

  private static void planGroup(Group g, Options o, List<String> notes) {
    // one arrival rate per HP tenant: fixed from the solo service time, the same in every run of the pair and load
    Map<String, Double> rate = new LinkedHashMap<>();
    for (TenantConfig t : g.base.tenants()) {
      double[] rs = g.rows.stream().flatMap(r -> r.hp().stream()).filter(h -> h.tenant().equals(t.name()))
          .mapToDouble(RealRun.Hp::rateRps).toArray();
      if (rs.length == 0) continue;
      double m = Stats.median(rs);
      for (double x : rs) {
        if (Math.abs(x / m - 1) > 0.01) {
          notes.add(g.key() + ": " + t.name() + "'s real arrival rates differ by more than 1% between runs; the median "
              + String.format(Locale.ROOT, "%.4g", m) + "/s is modeled");
          break;
        }
      }
      rate.put(t.name(), m);
    }
    double durMs = Stats.median(g.rows.stream().mapToDouble(RealRun::durationS).toArray()) * 1000;
    double warmMs = Stats.median(g.rows.stream().mapToDouble(RealRun::warmupS).toArray()) * 1000;
    if (o.maxDurationMs() > 0 && durMs > o.maxDurationMs()) {
      warmMs *= o.maxDurationMs() / durMs;
      durMs = o.maxDurationMs();
    }
    Scenario timed = withBeHostCost(g, withRates(g.base, rate), notes).withDurationMs(durMs, warmMs);
    for (TenantConfig t : g.base.tenants()) {
      if (t.batchSize() == null && t.model() != null) {
        notes.add(g.key() + ": modeled '" + t.name() + "' runs its trace's measured batch (model '" + t.model()
            + "', no batchSize in the scenario): not the real run's shape");
      }
    }
    for (String mech : g.mechanisms()) {
      Scenario.PolicyConfig pc = policyFor(mech);
      Map<String, Object> params = new LinkedHashMap<>(pc.params());
      params.putAll(o.calibrated().getOrDefault(pc.name(), Map.of()));
      Scenario s = timed.withPolicy(pc.name(), params).withName(g.base.nameOrDefault() + "/" + mech);
      if (mech.equals("green-split")) s = withSplit(s, g.rows(mech));
      g.planned.put(mech, seeds(s, o.seeds()));
    }
    for (TenantConfig t : g.base.tenants()) {
      Scenario s = timed.onlyTenants(t.name()).withPolicy("mps").withName(g.base.nameOrDefault() + "/alone/" + t.name());
      g.planned.put("alone/" + t.name(), seeds(s, o.seeds()));
    }
  }

  /**
   * Each eager BE job at the host cost per kernel that gives its real rate alone: the harness's
   * BE runs in a Python process beside the HP threads, and its host time per kernel is its own
   * (BERT-Large training took 73 ms per iteration there against 53.8 ms of kernels; GPT-J's eager
   * decode steps 28-37 ms against 7.7 ms), not the trace collector's. Solved from the measured
   * BE-alone rate (the median over the group's runs of {@code solo_rate_per_s}, the denominator of
   * BE retained) with the runner's own eager recurrence ({@link Launch#fitHostLaunchUs}); the
   * stacked runs play no part in it.
   */
  static Scenario withBeHostCost(Group g, Scenario s, List<String> notes) {
    List<TenantSpec> specs = s.tenantSpecs();
    GpuSpec gpu = s.gpuSpec();
    DispatchModel dispatch = s.dispatchModel();
    Map<String, Double> hostUs = new LinkedHashMap<>();
    for (TenantSpec t : specs) {
      if (t.priority() != Priority.BE || !t.launch().isEager()) continue;
      double[] rates = g.rows.stream().flatMap(r -> r.be().stream()).filter(b -> b.tenant().equals(t.name()) && b.soloRatePerS() != null)
          .mapToDouble(RealRun.Be::soloRatePerS).filter(x -> x > 0).toArray();
      if (rates.length == 0) continue;
      double wallUs = 1e6 / Stats.median(rates);
      double h = Launch.fitHostLaunchUs(Scenario.soloKernelUs(t.workload().kernels(), gpu, dispatch), wallUs, gpu.launchOverheadUs());
      hostUs.put(t.name(), h);
      notes.add(String.format(Locale.ROOT, "%s: BE '%s' eager at %.2f us host time per kernel (was %.2f): its real rate alone %.4g/s (%.1f ms per unit)%s",
          g.key(), t.name(), h, t.launch().hostLaunchUs(), 1e6 / wallUs, wallUs / 1000,
          h == 0 ? ", which its kernels alone cannot reach: no host time" : ""));
    }
    if (hostUs.isEmpty()) return s;
    return editTenants(s, (name, t) -> {
      Double h = hostUs.get(name);
      if (h != null) {
        t.put("launch", "eager");
        t.put("hostLaunchUs", h);
      }
    });
  }

  private static List<Scenario> seeds(Scenario s, int n) {
    List<Scenario> out = new ArrayList<>();
    for (int k = 0; k < n; k++) out.add(s.withSeed(s.seedOrDefault() + k));
    return out;
  }

  /** HP tenants at the real arrival rate (Poisson), in place of the file's {@code load}. */
  static Scenario withRates(Scenario s, Map<String, Double> rate) {
    for (Map.Entry<String, Double> e : rate.entrySet()) s = s.withArrivals(e.getKey(), "poisson", e.getValue());
    return s;
  }

  /** TPC quotas = the real green contexts' SM counts / 2 (an SM pair is a TPC); every run of the pair must agree. */
  static Scenario withSplit(Scenario s, List<RealRun> rows) {
    Map<String, Integer> sms = rows.get(0).splitSms();
    for (RealRun r : rows) {
      if (!r.splitSms().equals(sms)) throw new IllegalArgumentException(r.source() + ": split_sms " + r.splitSms()
          + " differs from " + rows.get(0).source() + "'s " + sms + "; one modeled split per pair and load");
    }
    return editTenants(s, (name, t) -> {
      Integer n = sms.get(name);
      if (n == null) throw new IllegalArgumentException(rows.get(0).source() + ": split_sms has no entry for tenant '" + name + "'");
      if (n % 2 != 0) throw new IllegalArgumentException(rows.get(0).source() + ": split_sms." + name + " = " + n + " is not a whole number of TPCs");
      t.put("tpcQuota", n / 2);
    });
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Edits each tenant as JSON (the scenario file's form), so every field a tenant has, including
   * ones added to the scenario format later, survives the edit.
   */
  static Scenario editTenants(Scenario s, BiConsumer<String, ObjectNode> edit) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(ScenarioLoader.toJson(s));
      for (JsonNode t : root.withArray("tenants")) edit.accept(t.path("name").asText(), (ObjectNode) t);
      return ScenarioLoader.parse(JSON.writeValueAsString(root), false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The cells of one (pair, load). */
  static List<Cell> compare(Group g, List<String> notes) {
    List<Cell> out = new ArrayList<>();
    long hpCount = g.base.tenants().stream().filter(t -> t.priority() == Priority.HP).count();
    long beCount = g.base.tenants().size() - hpCount;
    for (String mech : g.mechanisms()) {
      List<RealRun> rows = g.rows(mech);
      List<RunResult> modeled = g.results.get(mech);
      List<String> hpTenants = rows.get(0).hp().stream().map(RealRun.Hp::tenant).toList();
      boolean realRunStable = majority(rows.stream().map(r -> r.hp().stream().allMatch(RealRun.Hp::stable)).toList());
      boolean modeledRunStable = majority(modeled.stream().map(r -> hpTenants.stream().allMatch(t -> Stability.stable(r, t))).toList());
      for (String t : hpTenants) {
        List<RealRun.Hp> alone = g.rows("alone").stream().flatMap(r -> r.hp().stream()).filter(h -> h.tenant().equals(t)).toList();
        if (alone.isEmpty()) {
          notes.add(g.key() + " " + mech + ": no real run of '" + t + "' alone, so no solo denominator: its HP cells are left out");
          continue;
        }
        boolean realStable = majority(rows.stream().map(r -> hpOf(r, t).stable()).toList());
        List<RunResult> modeledAlone = g.results.get("alone/" + t);
        boolean modeledStable = majority(modeled.stream().map(r -> Stability.stable(r, t)).toList());
        String pair = hpCount > 1 ? g.pair + "/" + t : g.pair;
        out.add(new Cell(pair, g.load, mech, P99, realRatio(rows, g.rows("alone"), t, RealRun.Hp::p99OrNaN),
            modeledRatio(modeled, modeledAlone, m -> m.tenant(t).p99OrBoundMs()), realStable, modeledStable));
        out.add(new Cell(pair, g.load, mech, P50, realRatio(rows, g.rows("alone"), t, RealRun.Hp::p50OrNaN),
            modeledRatio(modeled, modeledAlone, m -> m.tenant(t).p50Ms()), realStable, modeledStable));
      }
      for (RealRun.Be b : rows.get(0).be()) {
        String t = b.tenant();
        double real = Stats.median(rows.stream().flatMap(r -> r.be().stream()).filter(x -> x.tenant().equals(t))
            .mapToDouble(RealRun.Be::retained).toArray());
        // progress, as the harness counts it: partial iterations (requests) count, so a GPT-J request of ~1 s or a
        // BERT-Large iteration of ~0.2 s is not rounded to whole units in a window of a few seconds
        double mod = modeledRatio(modeled, g.results.get("alone/" + t), m -> m.tenant(t).progressPerSec());
        String pair = beCount > 1 ? g.pair + "/" + t : g.pair;
        out.add(new Cell(pair, g.load, mech, BE_RETAINED, real, mod, realRunStable, modeledRunStable));
      }
    }
    return out;
  }

  private static RealRun.Hp hpOf(RealRun r, String tenant) {
    return r.hp().stream().filter(h -> h.tenant().equals(tenant)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(r.source() + ": no HP tenant '" + tenant + "'"));
  }

  /**
   * Median over repetitions of stacked / alone, each stacked run over the alone run of the same
   * repetition (same arrivals), or over the median alone run where that repetition has none.
   */
  static double realRatio(List<RealRun> stacked, List<RealRun> alone, String tenant, ToDoubleFunction<RealRun.Hp> f) {
    List<RealRun> mine = alone.stream().filter(r -> r.hp().stream().anyMatch(h -> h.tenant().equals(tenant))).toList();
    double median = Stats.median(mine.stream().mapToDouble(r -> f.applyAsDouble(hpOf(r, tenant))).toArray());
    double[] ratios = stacked.stream().mapToDouble(r -> {
      double den = mine.stream().filter(a -> java.util.Objects.equals(a.rep(), r.rep())).mapToDouble(a -> f.applyAsDouble(hpOf(a, tenant)))
          .findFirst().orElse(median);
      return f.applyAsDouble(hpOf(r, tenant)) / den;
    }).toArray();
    return Stats.median(ratios);
  }

  /** Median over seeds of stacked / alone, seed by seed (the same seed gives the HP tenant the same arrivals). */
  static double modeledRatio(List<RunResult> stacked, List<RunResult> alone, ToDoubleFunction<RunResult> f) {
    double[] ratios = new double[stacked.size()];
    for (int k = 0; k < ratios.length; k++) ratios[k] = f.applyAsDouble(stacked.get(k)) / f.applyAsDouble(alone.get(k));
    return Stats.median(ratios);
  }

  /** More than half true; a tie counts as false (unstable). */
  static boolean majority(List<Boolean> v) {
    return v.stream().filter(b -> b).count() * 2 > v.size();
  }
}
