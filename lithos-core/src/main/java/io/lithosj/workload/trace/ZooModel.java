package io.lithosj.workload.trace;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.Launch;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One model of the {@link ModelZoo}: a request (inference) or iteration (training) measured on one
 * GPU (an H200 or an H100), as modeled kernels that a {@link Workload} or {@link TenantSpec} is built from.
 *
 * <p>Each kernel keeps its real grid, block, registers and shared memory; its {@link WorkProfile}
 * is fitted with {@link ScalingFit} to the measured whole-GPU latency and to the latencies
 * measured in CUDA green contexts of 8 to 128 SMs. A kernel that could not be measured on fewer
 * SMs (cuDNN convolution backward: see datasets/traces/PROVENANCE.md) takes the median fitted
 * compute/memory split of same-named kernels measured in other models, else is taken as
 * compute-bound. A kernel whose DRAM bytes were measured (the trace's {@code dram_bytes}) takes them
 * as its DRAM traffic instead ({@link ScalingFit#withMeasuredBytes}). {@link Fitted#basis()} says which.
 */
public final class ZooModel {
  /** How a kernel's work profile was obtained. */
  public enum Basis { MEASURED, DRAM_MEASURED, PRIOR_SAME_NAME, PRIOR_COMPUTE_BOUND }

  /** A kernel of the trace with its fitted model. */
  public record Fitted(KernelRecord record, Kernel kernel, ScalingFit.Result fit, Basis basis) {}

  private final ModelTrace trace;
  private final GpuSpec gpu;
  private final Function<String, double[]> priorByName;
  private final Object fullLock = new Object();
  private final Object measuredLock = new Object();
  private volatile List<Fitted> fitted;
  private volatile List<Fitted> measuredFits;

  ZooModel(ModelTrace trace, GpuSpec gpu, Function<String, double[]> priorByName) {
    if (gpu.smCount() != ModelTrace.SM_COUNTS[0]) {
      throw new IllegalArgumentException("the traces were measured on 132 SMs; " + gpu.id() + " has " + gpu.smCount());
    }
    this.trace = trace;
    this.gpu = gpu;
    this.priorByName = priorByName;
  }

  public String id() { return trace.id(); }
  /** The model of the GPU the trace was measured on, which the kernels are fitted to. */
  public GpuSpec gpu() { return gpu; }
  public String model() { return trace.meta().getOrDefault("model", id()); }
  public String kind() { return trace.meta().getOrDefault("kind", "?"); }
  public boolean isInference() { return "inference".equals(kind()); }
  public Map<String, String> meta() { return trace.meta(); }
  public ModelTrace trace() { return trace; }
  public List<KernelRecord> records() { return trace.kernels(); }

  public int batchSize() {
    String b = trace.meta().get("batch");
    return b == null ? 1 : Integer.parseInt(b);
  }

  /** Kernels of one request/iteration in stream order, with fitted work profiles. */
  public List<Kernel> kernels() { return fitted().stream().map(Fitted::kernel).toList(); }

  public List<Fitted> fitted() {
    List<Fitted> f = fitted;
    if (f == null) {
      synchronized (fullLock) {
        if (fitted == null) fitted = Collections.unmodifiableList(fit());
        f = fitted;
      }
    }
    return f;
  }

  /** Fits of the kernels with measured scaling only (what the zoo's same-name priors are made of). */
  List<Fitted> fittedMeasuredOnly() {
    List<Fitted> f = measuredFits;
    if (f == null) {
      synchronized (measuredLock) { // never takes another lock while held
        if (measuredFits == null) {
          List<Fitted> out = new ArrayList<>();
          int[] tpcs = scalingTpcs();
          for (KernelRecord r : trace.kernels()) {
            if (!r.hasScaling()) continue;
            Kernel shape = shape(r);
            ScalingFit.Result res = ScalingFit.fit(gpu, shape, r.durationUs(), tpcs, scalingLatenciesUs(r));
            out.add(new Fitted(r, ScalingFit.fitted(shape, res), res, Basis.MEASURED));
          }
          measuredFits = Collections.unmodifiableList(out);
        }
        f = measuredFits;
      }
    }
    return f;
  }

  private List<Fitted> fit() {
    List<Fitted> out = new ArrayList<>();
    java.util.Iterator<Fitted> measured = fittedMeasuredOnly().iterator();
    for (KernelRecord r : trace.kernels()) {
      // consumed in step with the records; the scaling-only fits also feed other models' same-name priors
      Fitted scaled = r.hasScaling() ? measured.next() : null;
      if (r.hasDramBytes()) {
        out.add(withMeasuredBytes(r));
        continue;
      }
      if (scaled != null) {
        out.add(scaled);
        continue;
      }
      Kernel shape = shape(r);
      double[] prior = priorByName.apply(r.name());
      Basis basis = prior == null ? Basis.PRIOR_COMPUTE_BOUND : Basis.PRIOR_SAME_NAME;
      ScalingFit.Result res = ScalingFit.withShares(gpu, shape, r.durationUs(),
          prior == null ? 1 : prior[0], prior == null ? 0 : prior[1]);
      out.add(new Fitted(r, ScalingFit.fitted(shape, res), res, basis));
    }
    return out;
  }

  private Fitted withMeasuredBytes(KernelRecord r) {
    Kernel shape = shape(r);
    int[] tpcs = r.hasScaling() ? scalingTpcs() : new int[0];
    double[] lat = r.hasScaling() ? scalingLatenciesUs(r) : new double[0];
    ScalingFit.Result res = ScalingFit.withMeasuredBytes(gpu, shape, r.durationUs(), r.dramBytes(), tpcs, lat);
    return new Fitted(r, ScalingFit.fitted(shape, res), res, Basis.DRAM_MEASURED);
  }

  /**
   * A kernel's latencies at {@link #scalingTpcs()}: the re-runs' slowdowns applied to its trace duration
   * (the re-runs come from another run, so only their ratios carry over).
   */
  private static double[] scalingLatenciesUs(KernelRecord r) {
    double[] run = r.runUs();
    double[] lat = new double[run.length - 1];
    for (int i = 0; i < lat.length; i++) lat[i] = r.durationUs() * run[i + 1] / run[0];
    return lat;
  }

  private int[] scalingTpcs() {
    int[] tpcs = new int[ModelTrace.SM_COUNTS.length - 1];
    for (int i = 1; i < ModelTrace.SM_COUNTS.length; i++) tpcs[i - 1] = ModelTrace.SM_COUNTS[i] / gpu.smsPerTpc();
    return tpcs;
  }

  private Kernel shape(KernelRecord r) {
    if (r.blocks() <= 0 || r.blocks() > Integer.MAX_VALUE || r.threadsPerBlock() <= 0) {
      throw new IllegalStateException(id() + " kernel " + r.seq() + " '" + r.name() + "': launch shape unknown or too large (grid "
          + r.gridX() + "x" + r.gridY() + "x" + r.gridZ() + ", block " + r.blockX() + "x" + r.blockY() + "x" + r.blockZ() + ")");
    }
    return new Kernel(r.name(), (int) r.blocks(), r.threadsPerBlock(), r.regsPerThread(), r.smemBytes(),
        new WorkProfile(1, 0, 1));
  }

  /** Measured kernel time of one request/iteration on the whole GPU (sum of kernel durations), ms. */
  public double measuredKernelMs() { return trace.kernelUs() / 1000.0; }

  /** Modeled kernel time on {@code tpcs} TPCs of {@code gpu}: sum of the kernels' ideal latencies, ms. */
  public double modeledKernelMs(GpuSpec gpu, int tpcs) {
    double s = 0;
    for (Kernel k : kernels()) s += k.idealLatencyUs(gpu, tpcs);
    return s / 1000.0;
  }

  /** GPU time from the first kernel's start to the last kernel's end of a request (median), ms. */
  public double requestSpanMs() { return Double.parseDouble(trace.meta().getOrDefault("request_span_us", "NaN")) / 1000.0; }

  /** Wall time of one request/iteration measured with CUDA events, host launch overhead included, ms. */
  public double hostWallMs() { return metaMs("iteration_ms_events"); }

  /** A number of the trace's metadata (e.g. {@code request_wall_ms_graph}); NaN when absent. */
  public double metaMs(String key) {
    String v = trace.meta().get(key);
    if (v == null || v.isEmpty() || v.equals("null")) return Double.NaN;
    return Double.parseDouble(v);
  }

  /** Share of the whole-GPU kernel time in kernels whose scaling was measured (not a prior). */
  public double measuredScalingShare() {
    double m = 0, all = 0;
    for (Fitted f : fitted()) {
      all += f.record().durationUs();
      if (f.record().hasScaling()) m += f.record().durationUs();
    }
    return m / all;
  }

  /**
   * Share of the whole-GPU kernel time spent in kernels that saturate early: on half of the SMs
   * (64 of 132, measured; the fitted model where unmeasured) they are at most {@code slip} slower.
   */
  public double earlySaturatingShare(double slip) {
    double early = 0, all = 0;
    int half = 64 / gpu.smsPerTpc(); // the measured point nearest half the GPU: 64 of 132 SMs
    for (Fitted f : fitted()) {
      double d = f.record().durationUs();
      all += d;
      double slowdown = f.record().hasScaling() ? f.record().slowdownAt(64)
          : f.kernel().idealLatencyUs(gpu, half) / f.kernel().idealLatencyUs(gpu, gpu.tpcCount());
      if (slowdown <= 1 + slip) early += d;
    }
    return early / all;
  }

  /**
   * Whether a kernel's grid is a whole multiple of the measured GPU's SM count: libraries size
   * persistent kernels (cuBLAS's nvjet GEMMs, split reductions) to the SMs they see. On 128 of 132
   * SMs such kernels slowed by 1.0-1.46x (their tile schedulers hand most work to the CTAs that
   * run) where the waves model predicts a whole extra wave: the fit's known blind spot.
   */
  public static boolean gridSizedToGpu(KernelRecord r) {
    return r.blocks() % ModelTrace.SM_COUNTS[0] == 0;
  }

  /** Share of the whole-GPU kernel time in kernels with {@link #gridSizedToGpu grids sized to the GPU}. */
  public double gridSizedToGpuShare() {
    double s = 0;
    for (KernelRecord r : trace.kernels()) if (gridSizedToGpu(r)) s += r.durationUs();
    return s / trace.kernelUs();
  }

  /**
   * Modeled over measured kernel time on {@code sms} SMs, over the kernels measured there: how
   * well the fitted kernels reproduce the re-runs on fewer SMs in aggregate (1 = exact).
   */
  public double modeledOverMeasuredAt(int sms) { return modeledOverMeasuredAt(sms, false); }

  /** As {@link #modeledOverMeasuredAt(int)}, leaving out kernels with grids sized to the GPU if asked. */
  public double modeledOverMeasuredAt(int sms, boolean withoutGridSizedToGpu) {
    double model = 0, meas = 0;
    int tpcs = sms / gpu.smsPerTpc();
    for (Fitted f : fitted()) {
      if (!f.record().hasScaling() || (withoutGridSizedToGpu && gridSizedToGpu(f.record()))) continue;
      double slowdown = f.record().slowdownAt(sms);
      if (Double.isNaN(slowdown)) continue; // measured at other SM counts only
      model += f.kernel().idealLatencyUs(gpu, tpcs);
      meas += f.record().durationUs() * slowdown;
    }
    return model / meas;
  }

  /** Kernel-time-weighted root mean square log error of the fits at the measured SM counts. */
  public double fitRmsLogError() {
    double s = 0, w = 0;
    for (Fitted f : fitted()) {
      if (!f.record().hasScaling()) continue;
      s += f.record().durationUs() * f.fit().rmsLogError() * f.fit().rmsLogError();
      w += f.record().durationUs();
    }
    return w == 0 ? Double.NaN : Math.sqrt(s / w);
  }

  /** The requests of an inference service arriving by {@code arrivals}. */
  public Workload.Inference workload(Arrivals arrivals) {
    if (!isInference()) throw new IllegalStateException(id() + " is a training trace: use workload()");
    return new Workload.Inference(kernels(), arrivals, batchSize());
  }

  /** A training job running this iteration back to back. */
  public Workload.Training workload() {
    if (isInference()) throw new IllegalStateException(id() + " is an inference trace: use workload(arrivals)");
    return new Workload.Training(kernels(), batchSize());
  }

  /** An inference service, graph-launched (its default; {@link TenantSpec#withLaunch} for eager). */
  public TenantSpec tenant(String name, Priority priority, double sloMs, int tpcQuota, Arrivals arrivals) {
    return new TenantSpec(name, priority, sloMs, tpcQuota, workload(arrivals));
  }

  /** A training job, eager at this trace's host cost per kernel ({@link #hostLaunchUsPerKernel}). */
  public TenantSpec tenant(String name, Priority priority, int tpcQuota) {
    return new TenantSpec(name, priority, 0, tpcQuota, workload(), eagerLaunch());
  }

  /** Eager launch at this trace's host cost per kernel, or the default where the trace has none. */
  public Launch eagerLaunch() {
    double h = hostLaunchUsPerKernel();
    return Launch.eager(Double.isNaN(h) ? Launch.DEFAULT_EAGER_HOST_US : h);
  }

  private volatile Double hostLaunchUs;

  /**
   * Eager host time per kernel, µs: the trace's {@code host_launch_us_per_kernel} when it was
   * measured directly; else the cost that makes the eager model ({@link Launch#soloRequestUs}) of
   * the measured kernel durations on the measured GPU take the measured wall time per request
   * ({@code iteration_ms_events}, CUDA events, no profiler; {@link Launch#fitHostLaunchUs});
   * NaN if the trace has neither.
   */
  public double hostLaunchUsPerKernel() {
    Double h = hostLaunchUs;
    if (h == null) {
      String direct = trace.meta().get("host_launch_us_per_kernel");
      if (direct != null) {
        h = Double.parseDouble(direct);
      } else if (Double.isFinite(hostWallMs())) {
        double[] d = records().stream().mapToDouble(KernelRecord::durationUs).toArray();
        h = Launch.fitHostLaunchUs(d, hostWallMs() * 1000.0, gpu.launchOverheadUs());
      } else {
        h = Double.NaN;
      }
      hostLaunchUs = h;
    }
    return h;
  }

  /** One row per kernel: shape, measured latency and scaling, fitted profile. */
  public Table kernelTable() {
    IntColumn seq = IntColumn.create("seq");
    StringColumn name = StringColumn.create("name");
    IntColumn blocks = IntColumn.create("blocks");
    IntColumn threads = IntColumn.create("threads_per_block");
    DoubleColumn dur = DoubleColumn.create("dur_us");
    DoubleColumn s64 = DoubleColumn.create("slowdown_sm64");
    DoubleColumn s8 = DoubleColumn.create("slowdown_sm8");
    DoubleColumn a = DoubleColumn.create("compute_share");
    DoubleColumn b = DoubleColumn.create("memory_share");
    DoubleColumn clock = DoubleColumn.create("clock_sensitivity");
    DoubleColumn err = DoubleColumn.create("fit_rms_log_error");
    StringColumn basis = StringColumn.create("basis");
    for (Fitted f : fitted()) {
      KernelRecord r = f.record();
      seq.append(r.seq());
      name.append(r.name());
      blocks.append((int) r.blocks());
      threads.append(r.threadsPerBlock());
      dur.append(r.durationUs());
      s64.append(r.slowdownAt(64));
      s8.append(r.slowdownAt(8));
      a.append(f.fit().computeShare());
      b.append(f.fit().memoryShare());
      clock.append(f.kernel().work().clockSensitivity());
      err.append(f.fit().rmsLogError());
      basis.append(f.basis().name());
    }
    return Table.create(id(), seq, name, blocks, threads, dur, s64, s8, a, b, clock, err, basis);
  }

  @Override public String toString() {
    return id() + " (" + trace.kernels().size() + " kernels, " + String.format("%.3f", measuredKernelMs()) + " ms)";
  }
}
