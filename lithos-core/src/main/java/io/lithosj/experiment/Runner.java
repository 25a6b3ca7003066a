package io.lithosj.experiment;

import io.lithosj.backend.AtomListener;
import io.lithosj.backend.AtomResult;
import io.lithosj.backend.DispatchModel;
import io.lithosj.backend.GpuBackend;
import io.lithosj.backend.Telemetry;
import io.lithosj.backend.cuda.CudaBackend;
import io.lithosj.backend.sim.SimGpu;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policies;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import io.lithosj.progress.AmbientProgress;
import io.lithosj.progress.ProgressTracker;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import org.HdrHistogram.Histogram;

/**
 * Runs one scenario: builds the backend, the policy and the tenants, connects them, runs for the
 * scenario's duration and measures. The policy sees the GPU only through the {@link PolicyContext}
 * made here, whichever backend runs underneath.
 */
public final class Runner implements PolicyContext, AtomListener {

  private final Scenario scenario;
  private final GpuBackend gpu;
  private final Policy policy;
  private final List<TenantSpec> tenants;
  private final List<TenantRuntime> runtimes = new ArrayList<>();
  private final LaunchTracker tracker = new LaunchTracker();
  private long nextLaunchId;
  private long nextAtomId;
  private final AtomLog atomLog; // null unless asked for

  private Runner(Scenario scenario, GpuBackend gpu, boolean logAtoms) {
    this.scenario = scenario;
    this.tenants = scenario.tenantSpecs();
    this.gpu = gpu;
    this.policy = Policies.create(scenario.policyName(), scenario.policyParams());
    this.atomLog = logAtoms ? new AtomLog(tenants.stream().map(TenantSpec::name).toList()) : null;
  }

  /**
   * Run on the backend the scenario names. Progress goes to {@link AmbientProgress} (in a notebook, a
   * display updated in place; nowhere otherwise); a sweep calls the overload below, so its runs are not
   * shown one by one.
   */
  public static RunResult run(Scenario scenario) {
    String label = scenario.nameOrDefault() + " / " + scenario.policyName();
    ProgressTracker tracker = new ProgressTracker(label, 1, AmbientProgress.open(label), 250);
    RunResult r = run(scenario, tracker.unit(0));
    tracker.finish();
    return r;
  }

  /** Run, reporting progress (fraction 0..1 of the duration) as it goes. */
  public static RunResult run(Scenario scenario, DoubleConsumer progress) {
    return run(scenario, progress, null);
  }

  /** Run, and add every finished atom to {@code atoms} (its entries come back through {@link AtomLog#entries}). */
  public static RunResult run(Scenario scenario, DoubleConsumer progress, java.util.function.Consumer<AtomLog> atoms) {
    GpuSpec spec = scenario.gpuSpec();
    scenario.tenantSpecs(); // validate before any backend is opened
    GpuBackend backend = !"cuda".equals(scenario.backendName()) ? new SimGpu(spec, scenario.dispatchModel())
        : scenario.calibration() == null ? new CudaBackend(spec)
        // the backend also takes the calibration's replay costs, not only the calibrated GPU model
        : CudaBackend.open(CudaBackend.Options.defaults().withSpec(spec).withCalibrationDir(Path.of(scenario.calibration())));
    try (backend) {
      Runner r = new Runner(scenario, backend, atoms != null);
      RunResult result = r.execute(progress);
      if (atoms != null) atoms.accept(r.atomLog);
      return result;
    }
  }

  private RunResult execute(DoubleConsumer progress) {
    long wallStart = System.nanoTime();
    gpu.setListener(this);
    double warmup = scenario.warmupMsOrDefault();
    // the CUDA backend (and the modeled GPU with its dispatch) launches every atom itself
    boolean ownLaunches = gpu instanceof CudaBackend || !scenario.dispatchModel().equals(DispatchModel.HARDWARE);
    for (int i = 0; i < tenants.size(); i++) {
      runtimes.add(new TenantRuntime(i, tenants.get(i), gpu.spec(), new TenantRuntime.Clock() {
        @Override public double nowMs() { return gpu.nowMs(); }
        @Override public void at(double ms, Runnable r) { gpu.at(ms, r); }
      }, this::submit, scenario.seedOrDefault(), warmup, () -> nextLaunchId++,
          new KernelIssuer(tenants.get(i).launch(), ownLaunches, gpu.spec().launchOverheadUs())));
    }
    policy.start(this);
    runtimes.forEach(TenantRuntime::start);
    double end = scenario.durationMsOrDefault();
    int steps = 20;
    Telemetry atWarmup = null;
    for (int s = 1; s <= steps; s++) {
      double t = end * s / steps;
      if (atWarmup == null && t > warmup) {
        gpu.runUntil(warmup);
        atWarmup = gpu.telemetry();
        runtimes.forEach(TenantRuntime::markWindowStart);
      }
      gpu.runUntil(t);
      progress.accept((double) s / steps);
    }
    if (atWarmup == null) {
      atWarmup = gpu.telemetry();
      runtimes.forEach(TenantRuntime::markWindowStart);
    }
    Telemetry tel = gpu.telemetry();
    runtimes.forEach(r -> r.closeWindow(end));
    double stopMs = drain(end, end + scenario.drainMsOrDefault());
    double measuredMs = end - warmup;
    List<TenantMetrics> metrics = new ArrayList<>();
    Map<String, Histogram> hists = new LinkedHashMap<>();
    for (TenantRuntime r : runtimes) {
      r.recordUnfinished(stopMs);
      metrics.add(metrics(r, measuredMs));
      hists.put(r.spec.name(), r.latencyUs);
    }
    double util = (tel.busyTpcMs() - atWarmup.busyTpcMs()) / (gpu.spec().tpcCount() * measuredMs);
    double energy = tel.energyJ() - atWarmup.energyJ();
    return new RunResult(scenario.nameOrDefault(), policy.name(), gpu.spec().id(), scenario.backendName(),
        scenario.seedOrDefault(), end, metrics, util, energy, energy / (measuredMs / 1000.0),
        tel.eventsProcessed(), tel.blocksRun(), (System.nanoTime() - wallStart) / 1e6, policy.metrics(), hists,
        gpu instanceof CudaBackend c ? c.stats() : Map.of());
  }

  /** Step of the drain: it stops at most this long after the last window request it waited for finished. */
  static final double DRAIN_STEP_MS = 2.0;

  /** Runs on past the window (every tenant still working) while a tenant wants its window's requests drained; returns the stop time. */
  private double drain(double fromMs, double limitMs) {
    double t = fromMs;
    while (t < limitMs) {
      double now = t;
      if (runtimes.stream().noneMatch(r -> r.wantsDrain(now))) break;
      t = Math.min(limitMs, t + DRAIN_STEP_MS);
      gpu.runUntil(t);
    }
    return t;
  }

  /** The tenant's metrics over the window; see {@link TenantMetrics} for the stability rule. */
  static TenantMetrics metrics(TenantRuntime r, double measuredMs) {
    long arrived = r.arrivedInWindow;
    long unfinished = r.unfinishedInWindow;
    boolean stable = r.stableAtClose;
    Histogram h = r.latencyUs;
    boolean any = stable && h.getTotalCount() > 0;
    double thr = r.completed / (measuredMs / 1000.0);
    double slo = r.spec.sloMs();
    double att = slo <= 0 ? Double.NaN : arrived == 0 ? Double.NaN : (double) r.completedWithinSlo / arrived;
    double bound = r.boundUs.getTotalCount() > 0 ? r.boundUs.getValueAtPercentile(99) / 1000.0 : Double.NaN;
    return new TenantMetrics(r.spec.name(), r.spec.priority(),
        r.spec.workload() instanceof Workload.Inference ? "inference" : "training", arrived, r.completed, unfinished,
        stable, thr, r.workDoneUs / r.requestWorkUs / (measuredMs / 1000.0),
        any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(90) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99.9) / 1000.0 : Double.NaN,
        any ? h.getMean() / 1000.0 : Double.NaN,
        any ? h.getValueAtPercentile(99) / 1000.0 : bound,
        slo, att, r.completedWithinSlo / (measuredMs / 1000.0));
  }

  private void submit(KernelLaunch k) {
    tracker.submitted(k);
    policy.onSubmit(k);
  }

  // ---- AtomListener ----------------------------------------------------------------------

  @Override
  public void onAtomDone(AtomResult result) {
    Atom a = result.atom();
    if (atomLog != null) atomLog.add(result, gpu.nowMs());
    boolean launchComplete = tracker.finished(a);
    policy.onAtomDone(result);
    if (launchComplete) runtimes.get(a.tenant()).launchDone();
  }

  @Override
  public void onAtomAborted(Atom atom, int blocksCompleted, int blocksWasted) {
    tracker.aborted(atom);
    policy.onAtomAborted(atom, blocksCompleted, blocksWasted);
  }

  // ---- PolicyContext ---------------------------------------------------------------------

  @Override public GpuSpec gpu() { return gpu.spec(); }
  @Override public List<TenantSpec> tenants() { return tenants; }
  @Override public double nowMs() { return gpu.nowMs(); }

  @Override
  public Atom atom(KernelLaunch launch, int blockLo, int blockHi, TpcSet tpcs, int priority) {
    return new Atom(nextAtomId++, launch, blockLo, blockHi, tpcs, priority);
  }

  @Override
  public void launch(Atom atom) {
    tracker.launched(atom);
    gpu.launch(atom, runtimes.get(atom.tenant()).issuer.atomWaitUs(atom, gpu.nowMs()));
  }

  @Override public void abort(Atom atom) { gpu.abort(atom); }
  @Override public void setSmClockMhz(int mhz) { gpu.setSmClockMhz(mhz); }
  @Override public int smClockMhz() { return gpu.smClockMhz(); }
  @Override public void at(double atMs, Runnable action) { gpu.at(atMs, action); }

  @Override
  public void partitionMemory(List<TpcSet> partitions, double[] bandwidthShares) {
    gpu.partitionMemory(partitions, bandwidthShares);
  }
}
