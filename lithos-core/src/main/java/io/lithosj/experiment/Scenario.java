package io.lithosj.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lithosj.backend.DispatchModel;
import io.lithosj.backend.cuda.Calibration;
import io.lithosj.backend.cuda.CalibrationException;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import io.lithosj.os.Policies;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.Launch;
import io.lithosj.workload.ModelLibrary;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One experiment, as written in a scenario file (JSON or YAML) and used alike by the CLI, the
 * notebooks and the tests: the GPU, the tenants and their work, the policy and its parameters,
 * how long to run and the seed. Absent optional fields take the defaults below.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scenario(String name, String gpu, String backend, Double durationMs, Double warmupMs, Long seed,
                       PolicyConfig policy, List<TenantConfig> tenants,
                       Map<String, Map<String, Object>> perPolicy, String dispatch, Double drainMs, String calibration) {

  /**
   * {@code perPolicy}: parameters for each policy in this scenario, applied whichever policy is
   * chosen (so {@code -p all} and the paper sweeps change only the policy name); the parameters in
   * {@code policy.params} override them. Use it for settings tied to the scenario's time scale,
   * e.g. TGS's reporting period in a run of seconds.
   *
   * <p>{@code dispatch}: {@code hardware} (default) or {@code cuda-backend}; the modeled GPU then
   * also charges the host costs of dispatch measured for the CUDA backend ({@link DispatchModel}), and
   * {@code load} accounts for them, so modeled and real runs of one file offer the same load.
   *
   * <p>{@code drainMs} (default 0): after {@code durationMs} the run goes on for up to this long,
   * every tenant still working (later arrivals are served but not measured), until each stable
   * open-loop tenant's requests that arrived in the window have finished or can no longer meet
   * its SLO (then they stay unfinished: a miss either way). Without it a request
   * still running at the end is unfinished, never a latency sample, so a service whose requests
   * are long against the window (a 1 s LLM generation in a 1 s run) would yield no sample at all.
   * Stability, utilisation, energy and a closed loop's throughput stay those of the window itself;
   * an open-loop service's throughput is its window's requests served (drained ones included) per
   * second of the window.
   *
   * <p>{@code calibration} (default none: the preset): a folder with a {@code calibration.json}
   * that {@code lithos calibrate} wrote on a GPU of the scenario's model; the modeled GPU then takes
   * its measured bandwidth, launch overhead and power envelope ({@link Calibration#apply}), and the
   * CUDA backend its replay costs. A relative folder is relative to the scenario file
   * ({@link ScenarioLoader#load}); {@code lithos run --calibration DIR} sets it from the command line.
   * Model traces keep their fit to the preset.
   */
  public Scenario(String name, String gpu, String backend, Double durationMs, Double warmupMs, Long seed,
                  PolicyConfig policy, List<TenantConfig> tenants, Map<String, Map<String, Object>> perPolicy, String dispatch,
                  Double drainMs) {
    this(name, gpu, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, drainMs, null);
  }

  public Scenario(String name, String gpu, String backend, Double durationMs, Double warmupMs, Long seed,
                  PolicyConfig policy, List<TenantConfig> tenants, Map<String, Map<String, Object>> perPolicy, String dispatch) {
    this(name, gpu, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, null, null);
  }

  public Scenario(String name, String gpu, String backend, Double durationMs, Double warmupMs, Long seed,
                  PolicyConfig policy, List<TenantConfig> tenants, Map<String, Map<String, Object>> perPolicy) {
    this(name, gpu, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, null, null, null);
  }

  public Scenario(String name, String gpu, String backend, Double durationMs, Double warmupMs, Long seed,
                  PolicyConfig policy, List<TenantConfig> tenants) {
    this(name, gpu, backend, durationMs, warmupMs, seed, policy, tenants, null, null, null, null);
  }

  public static final double DEFAULT_DURATION_MS = 2000;
  public static final long DEFAULT_SEED = 1;

  // Limits that keep a run finite and its memory bounded, far above any experiment here
  // (docs/hostile-input.md); without them `durationMs: 1e15` runs for ever and `repeat: 2e9` runs out of memory.
  /** Simulated time of a run ({@code durationMs}, and {@code drainMs} on its own): one hour. */
  public static final double MAX_DURATION_MS = 3_600_000;
  /** Expected Poisson arrivals of one tenant in a run (rate x (durationMs + drainMs)). */
  public static final double MAX_ARRIVALS = 10_000_000;
  public static final int MAX_TENANTS = 256;
  /** Kernels in one request or iteration, {@code repeat} counted out. */
  public static final int MAX_KERNELS_PER_REQUEST = 1_000_000;
  /** Decode steps of one LLM request: longer than the context window of every LLM in the zoo. */
  public static final int MAX_DECODE_STEPS = 16_384;

  /** {@code params} override the policy's defaults by name. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record PolicyConfig(String name, Map<String, Object> params) {}

  /**
   * A tenant. {@code type} is {@code inference} or {@code training}; inference takes
   * {@code arrivals} = {@code poisson} (with {@code ratePerSec}), {@code closed} or {@code trace}
   * (with {@code arrivalMs}). Its work is {@code kernels}, or {@code model} from the model library
   * ({@code batchSize} absent: the paper's shape of that model).
   *
   * <p>{@code decodeSteps}: for an LLM inference model ({@code llama3-8b}, {@code gptj-6b}), a
   * request is one prefill plus this many decode steps (default: the paper's 128 output tokens;
   * datasets/paper_shapes.py); refused for other models.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TenantConfig(String name, Priority priority, Double sloMs, Integer tpcQuota, String type,
                             String arrivals, Double ratePerSec, List<Double> arrivalMs, Integer batchSize,
                             String model, List<KernelConfig> kernels, Double load, Integer decodeSteps,
                             String launch, Double hostLaunchUs) {
    /**
     * {@code load}: Poisson arrivals at this fraction of the tenant's solo capacity on the
     * scenario's GPU (1 / its request's latency alone on the whole GPU, launch costs of its launch
     * mode included), so one file offers the same relative load on every GPU. Excludes {@code ratePerSec}.
     *
     * <p>{@code launch}: {@code graph} (default for inference: the whole request queued at once, as
     * TensorRT / ONNX Runtime / TensorRT-LLM engines and CUDA graph replay do) or {@code eager}
     * (default for training: a host thread issues each kernel, {@code hostLaunchUs} of host time
     * each; a model's default is measured from its trace, inline kernels default to
     * {@link Launch#DEFAULT_EAGER_HOST_US}). See {@link Launch}.
     */
    public TenantConfig(String name, Priority priority, Double sloMs, Integer tpcQuota, String type, String arrivals,
                        Double ratePerSec, List<Double> arrivalMs, Integer batchSize, String model,
                        List<KernelConfig> kernels, Double load) {
      this(name, priority, sloMs, tpcQuota, type, arrivals, ratePerSec, arrivalMs, batchSize, model, kernels, load, null, null, null);
    }

    /** With the LLM request length ({@code decodeSteps}), default launch. */
    public TenantConfig(String name, Priority priority, Double sloMs, Integer tpcQuota, String type, String arrivals,
                        Double ratePerSec, List<Double> arrivalMs, Integer batchSize, String model,
                        List<KernelConfig> kernels, Double load, Integer decodeSteps) {
      this(name, priority, sloMs, tpcQuota, type, arrivals, ratePerSec, arrivalMs, batchSize, model, kernels, load, decodeSteps, null, null);
    }

    /** With a launch mode, default LLM request length. */
    public TenantConfig(String name, Priority priority, Double sloMs, Integer tpcQuota, String type, String arrivals,
                        Double ratePerSec, List<Double> arrivalMs, Integer batchSize, String model,
                        List<KernelConfig> kernels, Double load, String launch, Double hostLaunchUs) {
      this(name, priority, sloMs, tpcQuota, type, arrivals, ratePerSec, arrivalMs, batchSize, model, kernels, load, null, launch, hostLaunchUs);
    }

    public TenantConfig(String name, Priority priority, Double sloMs, Integer tpcQuota, String type, String arrivals,
                        Double ratePerSec, List<Double> arrivalMs, Integer batchSize, String model,
                        List<KernelConfig> kernels) {
      this(name, priority, sloMs, tpcQuota, type, arrivals, ratePerSec, arrivalMs, batchSize, model, kernels, null, null, null, null);
    }

    /** This tenant launched another way ({@code graph} or {@code eager}; {@code hostLaunchUs} null = the default). */
    public TenantConfig withLaunch(String mode, Double hostUs) {
      return new TenantConfig(name, priority, sloMs, tpcQuota, type, arrivals, ratePerSec, arrivalMs, batchSize, model,
          kernels, load, decodeSteps, mode, hostUs);
    }
  }

  /** A kernel of a request or iteration; {@code repeat} puts it that many times in a row. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record KernelConfig(String name, Integer blocks, Integer threadsPerBlock, Integer regsPerThread,
                             Integer smemPerBlockBytes, Double blockComputeUs, Double blockDramBytes,
                             Double clockSensitivity, Integer repeat) {}

  /** The scenario's GPU model: the preset {@code gpu}, calibrated from {@code calibration} when it is set. */
  public GpuSpec gpuSpec() {
    GpuSpec preset;
    try {
      preset = GpuSpec.byId(gpu == null ? "h100-sxm" : gpu);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("gpu", e.getMessage());
    }
    return calibration == null ? preset : calibrated(preset);
  }

  private GpuSpec calibrated(GpuSpec preset) {
    Calibration c;
    try {
      c = Calibration.load(java.nio.file.Path.of(calibration));
    } catch (java.nio.file.InvalidPathException | CalibrationException e) {
      throw new ScenarioException("calibration", e.getMessage());
    }
    // the same TPC count is not enough: an H100's bandwidth and power on the H200 preset would be a third GPU
    if (!c.gpuId().equals(preset.id())) {
      throw new ScenarioException("calibration", calibration + " was measured on " + c.gpuId() + " (" + c.gpuName()
          + "), the scenario's GPU is " + preset.id() + " (give gpu " + c.gpuId() + " in the file or with --gpu)");
    }
    return c.apply(preset);
  }

  /** The same scenario with the GPU calibrated from {@code dir} (null: the preset). */
  public Scenario withCalibration(String dir) {
    return new Scenario(name, gpu, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, drainMs, dir);
  }

  public String backendName() { return backend == null ? "sim" : backend; }

  /** How the modeled GPU dispatches atoms ({@code dispatch}): the hardware's way or the CUDA backend's. */
  public DispatchModel dispatchModel() {
    try {
      return DispatchModel.forDispatch(dispatch == null ? "hardware" : dispatch, gpuSpec());
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("dispatch", e.getMessage());
    }
  }
  public double durationMsOrDefault() { return durationMs == null ? DEFAULT_DURATION_MS : durationMs; }
  public double warmupMsOrDefault() { return warmupMs == null ? durationMsOrDefault() * 0.1 : warmupMs; }
  public double drainMsOrDefault() { return drainMs == null ? 0 : drainMs; }
  public long seedOrDefault() { return seed == null ? DEFAULT_SEED : seed; }
  public String policyName() { return policy == null ? "mps" : policy.name(); }
  /** The chosen policy's parameters: this scenario's {@code perPolicy} entry, overridden by {@code policy.params}. */
  public Map<String, Object> policyParams() {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    if (perPolicy != null && perPolicy.get(policyName()) != null) out.putAll(perPolicy.get(policyName()));
    if (policy != null && policy.params() != null) out.putAll(policy.params());
    return out;
  }
  public String nameOrDefault() { return name == null ? "scenario" : name; }

  public Scenario withPolicy(String policyName) { return withPolicy(policyName, Map.of()); }

  public Scenario withPolicy(String policyName, Map<String, Object> params) {
    return new Scenario(name, gpu, backend, durationMs, warmupMs, seed, new PolicyConfig(policyName, params), tenants, perPolicy, dispatch, drainMs, calibration);
  }

  public Scenario withSeed(long s) { return new Scenario(name, gpu, backend, durationMs, warmupMs, s, policy, tenants, perPolicy, dispatch, drainMs, calibration); }
  /**
   * The same scenario on another GPU. TPC quotas keep their share of the GPU (rounded down), so a
   * file written for the H100's 66 TPCs runs on the A100's 54; a {@code calibration} is dropped
   * unless the GPU stays the same.
   */
  public Scenario withGpu(String g) {
    int from = gpuSpec().tpcCount();
    // a calibration belongs to one GPU model: moved to another, the scenario runs on that model's preset
    String cal = g != null && g.equals(gpu) ? calibration : null;
    Scenario moved = new Scenario(name, g, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, drainMs, cal);
    int to = moved.gpuSpec().tpcCount();
    if (from == to || tenants == null) return moved;
    return moved.withTenants(tenants.stream().map(c -> c.tpcQuota() == null ? c
        : new TenantConfig(c.name(), c.priority(), c.sloMs(), (int) ((long) c.tpcQuota() * to / from), c.type(), c.arrivals(),
            c.ratePerSec(), c.arrivalMs(), c.batchSize(), c.model(), c.kernels(), c.load(), c.decodeSteps(), c.launch(), c.hostLaunchUs())).toList());
  }
  public Scenario withBackend(String b) { return new Scenario(name, gpu, b, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, drainMs, calibration); }
  public Scenario withName(String n) { return new Scenario(n, gpu, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, drainMs, calibration); }

  public Scenario withDrainMs(double d) {
    return new Scenario(name, gpu, backend, durationMs, warmupMs, seed, policy, tenants, perPolicy, dispatch, d, calibration);
  }

  public Scenario withDurationMs(double d, double w) {
    return new Scenario(name, gpu, backend, d, w, seed, policy, tenants, perPolicy, dispatch, drainMs, calibration);
  }

  public Scenario withTenants(List<TenantConfig> t) {
    return new Scenario(name, gpu, backend, durationMs, warmupMs, seed, policy, t, perPolicy, dispatch, drainMs, calibration);
  }

  /**
   * The named tenant's kernels with {@code factor} times the blocks each (at least one): the same
   * kernels over a larger batch or longer sequence, as the atomization sweep needs. A model
   * tenant is turned into its explicit kernel list.
   */
  public Scenario withScaledKernels(String tenant, double factor) {
    if (!(factor > 0)) throw new IllegalArgumentException("scale factor must be > 0, was " + factor);
    List<TenantSpec> specs = tenantSpecs();
    List<TenantConfig> out = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      TenantConfig c = tenants.get(i);
      if (!c.name().equals(tenant)) {
        out.add(c);
        continue;
      }
      // A trace kernel's shared memory beyond this GPU's block limit (an H100 trace on the A100) is
      // modeled as the smaller tile a library would use; written down as that limit, the inline
      // kernel passes the launch check and keeps the same blocks per SM (one).
      int smemLimit = gpuSpec().smLimits().sharedMemPerBlockBytes();
      List<KernelConfig> ks = specs.get(i).workload().kernels().stream().map(k -> new KernelConfig(k.name(),
          Math.max(1, (int) Math.round(k.blocks() * factor)), k.threadsPerBlock(), k.regsPerThread(),
          Math.min(k.smemPerBlockBytes(), smemLimit), k.work().blockComputeUs(), k.work().blockDramBytes(),
          k.work().clockSensitivity(), 1))
          .toList();
      Launch l = specs.get(i).launch(); // a model's measured host cost stays with its kernels
      out.add(new TenantConfig(c.name(), c.priority(), c.sloMs(), c.tpcQuota(), c.type(), c.arrivals(), c.ratePerSec(),
          c.arrivalMs(), c.batchSize(), null, ks, c.load(), null, l.mode().id(), l.isEager() ? l.hostLaunchUs() : null));
    }
    if (out.equals(tenants)) throw new IllegalArgumentException("no tenant '" + tenant + "' in " + nameOrDefault());
    return withTenants(out);
  }

  /** The named tenant with other arrivals (e.g. {@code closed} for a throughput measurement). */
  public Scenario withArrivals(String tenant, String arrivalsKind, Double ratePerSec) {
    return withTenants(tenants.stream().map(c -> !c.name().equals(tenant) ? c
        : new TenantConfig(c.name(), c.priority(), c.sloMs(), c.tpcQuota(), c.type(), arrivalsKind, ratePerSec,
            c.arrivalMs(), c.batchSize(), c.model(), c.kernels(), null, c.decodeSteps(), c.launch(), c.hostLaunchUs())).toList());
  }

  /** Only the tenants named (e.g. one tenant alone, for its solo baseline). */
  public Scenario onlyTenants(String... names) {
    List<String> keep = List.of(names);
    return withTenants(tenants.stream().filter(t -> keep.contains(t.name())).toList());
  }

  /**
   * Checks every field and builds the tenants. Throws {@link ScenarioException} naming the first
   * bad field.
   */
  public List<TenantSpec> tenantSpecs() {
    GpuSpec g = gpuSpec();
    DispatchModel dispatch = dispatchModel();
    if (!"sim".equals(backendName()) && !"cuda".equals(backendName())) {
      throw new ScenarioException("backend", "unknown backend '" + backend + "' (known: [sim, cuda])");
    }
    positive("durationMs", durationMsOrDefault());
    atMost("durationMs", durationMsOrDefault(), MAX_DURATION_MS, "ms (one hour of simulated time)");
    double w = warmupMsOrDefault();
    if (!(w >= 0) || w >= durationMsOrDefault()) {
      throw new ScenarioException("warmupMs", "must be >= 0 and below durationMs (" + durationMsOrDefault() + "), was " + w);
    }
    if (!(drainMsOrDefault() >= 0) || !Double.isFinite(drainMsOrDefault())) {
      throw new ScenarioException("drainMs", "must be >= 0, was " + drainMs);
    }
    atMost("drainMs", drainMsOrDefault(), MAX_DURATION_MS, "ms (one hour of simulated time)");
    if (policy == null || policy.name() == null) throw new ScenarioException("policy.name", "missing (known: " + Policies.names() + ")");
    if (!Policies.names().contains(policy.name())) {
      throw new ScenarioException("policy.name", "unknown policy '" + policy.name() + "' (known: " + Policies.names() + ")");
    }
    if (perPolicy != null) {
      for (var e : perPolicy.entrySet()) {
        try {
          Policies.create(e.getKey(), e.getValue());
        } catch (Policies.PolicyConfigException ex) {
          String field = ex.field().equals("policy.name") ? "perPolicy." + e.getKey()
              : ex.field().replaceFirst("^policy\\.params", "perPolicy." + e.getKey());
          throw new ScenarioException(field, ex.getMessage().substring(ex.field().length() + 2));
        }
      }
    }
    if (tenants == null || tenants.isEmpty()) throw new ScenarioException("tenants", "at least one tenant is needed");
    if (tenants.size() > MAX_TENANTS) {
      throw new ScenarioException("tenants", tenants.size() + " tenants, at most " + MAX_TENANTS + " are supported");
    }
    double windowMs = durationMsOrDefault() + drainMsOrDefault();
    List<TenantSpec> out = new ArrayList<>();
    int quotaSum = 0;
    for (int i = 0; i < tenants.size(); i++) {
      if (tenants.get(i) == null) throw new ScenarioException("tenants[" + i + "]", "null entry");
      TenantSpec t = tenant(i, tenants.get(i), g, dispatch, windowMs);
      if (out.stream().anyMatch(o -> o.name().equals(t.name()))) {
        throw new ScenarioException("tenants[" + i + "].name", "duplicate tenant name '" + t.name() + "'");
      }
      quotaSum += t.tpcQuota();
      if (quotaSum > g.tpcCount()) {
        throw new ScenarioException("tenants[" + i + "].tpcQuota", "TPC quotas add up to " + quotaSum + " but "
            + g.id() + " has " + g.tpcCount() + " TPCs");
      }
      out.add(t);
    }
    return out;
  }

  private static TenantSpec tenant(int i, TenantConfig c, GpuSpec g, DispatchModel dispatch, double windowMs) {
    String at = "tenants[" + i + "]";
    if (c.name() == null || c.name().isBlank()) throw new ScenarioException(at + ".name", "missing");
    Priority prio = c.priority() == null ? Priority.BE : c.priority();
    double slo = c.sloMs() == null ? 0 : c.sloMs();
    if (!(slo >= 0)) throw new ScenarioException(at + ".sloMs", "must be >= 0, was " + slo);
    int quota = c.tpcQuota() == null ? 0 : c.tpcQuota();
    if (quota < 0 || quota > g.tpcCount()) {
      throw new ScenarioException(at + ".tpcQuota", "must be 0.." + g.tpcCount() + " on " + g.id() + ", was " + quota);
    }
    String type = c.type() == null ? "inference" : c.type();
    // absent: 1 for explicit kernels, the traced batch for a model (0 tells the library so)
    int batch = c.batchSize() != null ? c.batchSize() : c.model() != null ? 0 : 1;
    if (c.batchSize() != null && batch < 1) throw new ScenarioException(at + ".batchSize", "must be >= 1, was " + batch);
    if (!"inference".equals(type) && !"training".equals(type)) {
      throw new ScenarioException(at + ".type", "must be 'inference' or 'training', was '" + type + "'");
    }
    if (c.decodeSteps() != null) {
      if (c.decodeSteps() < 1) throw new ScenarioException(at + ".decodeSteps", "must be > 0, was " + c.decodeSteps());
      atMost(at + ".decodeSteps", c.decodeSteps(), MAX_DECODE_STEPS, "");
      if (c.model() == null) throw new ScenarioException(at + ".decodeSteps", "applies to an LLM 'model' only, not to 'kernels'");
      if (!"inference".equals(type)) throw new ScenarioException(at + ".decodeSteps", "applies to inference (a request), not to " + type);
    }
    List<Kernel> kernels = kernels(at, c, type, batch, g);
    Launch launch = launch(at, c, type, batch);
    Workload w;
    if ("inference".equals(type)) {
      Arrivals arrivals = arrivals(at, withLoadRate(at, c, kernels, g, dispatch, launch));
      checkArrivalCount(at + (c.load() != null ? ".load" : ".ratePerSec"), arrivals, windowMs);
      w = new Workload.Inference(kernels, arrivals, batch);
    } else {
      if (c.arrivals() != null || c.ratePerSec() != null || c.load() != null) {
        throw new ScenarioException(at + ".arrivals", "a training tenant loops over iterations; arrivals do not apply");
      }
      w = new Workload.Training(kernels, batch);
    }
    return new TenantSpec(c.name(), prio, slo, quota, w, launch);
  }

  /** {@code launch} and {@code hostLaunchUs}: the mode (default by type) and, for eager, the host cost per kernel. */
  private static Launch launch(String at, TenantConfig c, String type, int batch) {
    Launch.Mode mode;
    try {
      mode = c.launch() == null ? ("inference".equals(type) ? Launch.Mode.GRAPH : Launch.Mode.EAGER) : Launch.Mode.parse(c.launch());
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(at + ".launch", e.getMessage());
    }
    if (mode == Launch.Mode.GRAPH) {
      if (c.hostLaunchUs() != null) {
        throw new ScenarioException(at + ".hostLaunchUs", "applies to eager launch only; this tenant is graph-launched"
            + (c.launch() == null ? " (the default for inference: add \"launch\": \"eager\")" : ""));
      }
      return Launch.GRAPH;
    }
    if (c.hostLaunchUs() != null) {
      double h = c.hostLaunchUs();
      if (!(h >= 0) || !Double.isFinite(h)) throw new ScenarioException(at + ".hostLaunchUs", "must be >= 0 (µs of host time per kernel), was " + h);
      return Launch.eager(h);
    }
    double measured = c.model() == null ? Double.NaN : ModelLibrary.hostLaunchUs(c.model(), type, batch);
    return Launch.eager(Double.isNaN(measured) ? Launch.DEFAULT_EAGER_HOST_US : measured);
  }

  /** Turns {@code load} into the Poisson rate it means on this GPU. */
  private static TenantConfig withLoadRate(String at, TenantConfig c, List<Kernel> kernels, GpuSpec g, DispatchModel dispatch,
                                           Launch launch) {
    if (c.load() == null) return c;
    if (c.ratePerSec() != null) throw new ScenarioException(at + ".load", "give either 'load' or 'ratePerSec', not both");
    if (c.arrivals() != null && !"poisson".equals(c.arrivals())) {
      throw new ScenarioException(at + ".load", "load sets Poisson arrivals; arrivals is '" + c.arrivals() + "'");
    }
    if (!(c.load() > 0 && c.load() <= 1)) throw new ScenarioException(at + ".load", "must be in (0, 1], was " + c.load());
    double requestMs = soloRequestMs(kernels, g, dispatch, launch);
    return new TenantConfig(c.name(), c.priority(), c.sloMs(), c.tpcQuota(), c.type(), "poisson",
        c.load() * 1000.0 / requestMs, c.arrivalMs(), c.batchSize(), c.model(), c.kernels(), null, c.decodeSteps(), c.launch(), c.hostLaunchUs());
  }

  /**
   * A request's latency alone on the whole GPU, launched as {@code launch} says
   * ({@link Launch#soloRequestUs}): its kernels' ideal latencies, each followed by the host path's
   * wait for its completion, plus the mode's costs (graph: one launch and a graph gap per kernel;
   * eager: host issue and launch latency or stream gap per kernel). Under the CUDA backend's
   * dispatch every kernel is a launch of its own, as {@code KernelIssuer} charges it there.
   */
  public static double soloRequestMs(List<Kernel> kernels, GpuSpec g, DispatchModel dispatch, Launch launch) {
    double[] us = soloKernelUs(kernels, g, dispatch);
    if (!dispatch.equals(DispatchModel.HARDWARE)) {
      // the CUDA backend launches each atom itself: a launch overhead per kernel, eager host gaps kept
      double t = 0;
      double issue = 0;
      for (double d : us) {
        issue += launch.hostLaunchUs();
        t = Math.max(t, issue) + g.launchOverheadUs() + d;
      }
      return t / 1000.0;
    }
    return launch.soloRequestUs(us, g.launchOverheadUs()) / 1000.0;
  }

  /** Each kernel's time alone on the whole GPU up to the completion its tenant sees (ideal latency + the dispatch's wait), µs. */
  public static double[] soloKernelUs(List<Kernel> kernels, GpuSpec g, DispatchModel dispatch) {
    double[] us = new double[kernels.size()];
    for (int i = 0; i < us.length; i++) us[i] = kernels.get(i).idealLatencyUs(g, g.tpcCount()) + dispatch.perKernelUs();
    return us;
  }

  private static Arrivals arrivals(String at, TenantConfig c) {
    String a = c.arrivals() == null ? (c.ratePerSec() != null ? "poisson" : "closed") : c.arrivals();
    switch (a) {
      case "poisson":
        if (c.ratePerSec() == null) throw new ScenarioException(at + ".ratePerSec", "poisson arrivals need a rate");
        positive(at + ".ratePerSec", c.ratePerSec());
        return new Arrivals.Poisson(c.ratePerSec());
      case "closed":
        return new Arrivals.ClosedLoop();
      case "trace":
        if (c.arrivalMs() == null || c.arrivalMs().isEmpty()) throw new ScenarioException(at + ".arrivalMs", "trace arrivals need times");
        for (int j = 0; j < c.arrivalMs().size(); j++) {
          Double v = c.arrivalMs().get(j);
          if (v == null || !(v >= 0)) throw new ScenarioException(at + ".arrivalMs[" + j + "]", "must be >= 0, was " + v);
        }
        return new Arrivals.Trace(c.arrivalMs());
      default:
        throw new ScenarioException(at + ".arrivals", "must be 'poisson', 'closed' or 'trace', was '" + a + "'");
    }
  }

  /** A Poisson tenant's expected arrivals in the run, bounded: each is a request object kept until the run ends. */
  private static void checkArrivalCount(String field, Arrivals a, double windowMs) {
    if (!(a instanceof Arrivals.Poisson p)) return;
    double expected = p.ratePerSec() * windowMs / 1000.0;
    if (expected > MAX_ARRIVALS) {
      throw new ScenarioException(field, String.format(java.util.Locale.ROOT,
          "%.4g requests/s over %.0f ms (durationMs + drainMs) is %.3g arrivals; at most %.0f per tenant and run",
          p.ratePerSec(), windowMs, expected, MAX_ARRIVALS));
    }
  }

  /**
   * Inline kernels, checked against the GPU's per-block limits as a launch would be. A model's
   * trace kernels are not: traced on an H100/H200, some use more shared memory per block than an
   * A100 has, and are modeled as the smaller tiles a library would pick there ({@link Kernel#blocksPerSm}).
   */
  private static List<Kernel> kernels(String at, TenantConfig c, String type, int batch, GpuSpec g) {
    if (c.model() != null) {
      if (c.kernels() != null) throw new ScenarioException(at + ".kernels", "give either 'model' or 'kernels', not both");
      try {
        return ModelLibrary.kernels(c.model(), type, batch, c.decodeSteps());
      } catch (IllegalArgumentException e) {
        throw new ScenarioException(at + (c.decodeSteps() != null && e.getMessage().contains("decodeSteps") ? ".decodeSteps" : ".model"),
            e.getMessage());
      }
    }
    if (c.kernels() == null || c.kernels().isEmpty()) throw new ScenarioException(at + ".kernels", "missing: give 'kernels' or 'model'");
    List<Kernel> out = new ArrayList<>();
    long total = 0;
    for (int j = 0; j < c.kernels().size(); j++) {
      String kat = at + ".kernels[" + j + "]";
      KernelConfig k = c.kernels().get(j);
      if (k == null) throw new ScenarioException(kat, "null entry");
      if (k.name() == null || k.name().isBlank()) throw new ScenarioException(kat + ".name", "missing");
      if (k.blocks() == null || k.blocks() <= 0) throw new ScenarioException(kat + ".blocks", "must be > 0, was " + k.blocks());
      if (k.blockComputeUs() == null) throw new ScenarioException(kat + ".blockComputeUs", "missing");
      positive(kat + ".blockComputeUs", k.blockComputeUs());
      double bytes = k.blockDramBytes() == null ? 0 : k.blockDramBytes();
      if (!(bytes >= 0)) throw new ScenarioException(kat + ".blockDramBytes", "must be >= 0, was " + bytes);
      double s = k.clockSensitivity() == null ? (bytes > 0 ? 0.5 : 0.9) : k.clockSensitivity();
      if (!(s >= 0 && s <= 1)) throw new ScenarioException(kat + ".clockSensitivity", "must be in [0, 1], was " + s);
      int repeat = k.repeat() == null ? 1 : k.repeat();
      if (repeat < 1) throw new ScenarioException(kat + ".repeat", "must be >= 1, was " + repeat);
      total += repeat;
      if (total > MAX_KERNELS_PER_REQUEST) {
        throw new ScenarioException(kat + ".repeat", "the tenant's kernels, repeats counted, reach " + total
            + "; at most " + MAX_KERNELS_PER_REQUEST + " per request or iteration");
      }
      Kernel kernel;
      try {
        kernel = new Kernel(k.name(), k.blocks(), k.threadsPerBlock() == null ? 256 : k.threadsPerBlock(),
            k.regsPerThread() == null ? 32 : k.regsPerThread(), k.smemPerBlockBytes() == null ? 0 : k.smemPerBlockBytes(),
            new WorkProfile(k.blockComputeUs(), bytes, s));
      } catch (IllegalArgumentException e) {
        throw new ScenarioException(kat, e.getMessage());
      }
      String refused = kernel.launchRefusedBy(g);
      if (refused != null) throw new ScenarioException(kat, refused);
      for (int r = 0; r < repeat; r++) out.add(kernel);
    }
    return out;
  }

  private static void atMost(String field, double v, double max, String unit) {
    if (v > max) {
      throw new ScenarioException(field, String.format(java.util.Locale.ROOT, "at most %.0f%s, was %s", max,
          unit.isEmpty() ? "" : " " + unit, v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v)));
    }
  }

  private static void positive(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw new ScenarioException(field, "must be > 0, was " + v);
  }
}
