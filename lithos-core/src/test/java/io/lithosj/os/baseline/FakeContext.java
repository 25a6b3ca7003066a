package io.lithosj.os.baseline;

import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.kernel.WorkProfile;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A PolicyContext with a hand-driven clock: tests submit launches, move time, and finish or
 * abort atoms themselves, so each policy decision can be checked in isolation.
 */
final class FakeContext implements PolicyContext {
  record Launched(Atom atom, double atMs) {}

  private record Timer(double atMs, long seq, Runnable action) {}

  final GpuSpec gpu;
  final List<TenantSpec> tenants;
  final List<Launched> launched = new ArrayList<>();
  final List<Atom> aborted = new ArrayList<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(
      (a, b) -> a.atMs != b.atMs ? Double.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
  private Policy policy;
  private double now;
  private long nextId = 1;
  private long nextLaunchId = 1;
  private long timerSeq;
  private int clockMhz;

  FakeContext(GpuSpec gpu, List<TenantSpec> tenants) {
    this.gpu = gpu;
    this.tenants = tenants;
    this.clockMhz = gpu.clocks().maxMhz();
  }

  void start(Policy p) {
    this.policy = p;
    p.start(this);
  }

  KernelLaunch submit(int tenant, Kernel k, int seq) {
    KernelLaunch l = new KernelLaunch(nextLaunchId++, tenant, k, seq, now);
    policy.onSubmit(l);
    return l;
  }

  /** Run timers due up to {@code t}, then set the clock to {@code t}. */
  void advanceTo(double t) {
    while (!timers.isEmpty() && timers.peek().atMs <= t) {
      Timer x = timers.poll();
      now = Math.max(now, x.atMs);
      x.action.run();
    }
    now = Math.max(now, t);
  }

  void finish(Atom a) {
    double launchMs = launched.stream().filter(x -> x.atom.id() == a.id()).findFirst().orElseThrow().atMs;
    policy.onAtomDone(new AtomResult(a, launchMs, launchMs, now));
  }

  /** Report an abort back to the policy, as a backend does after {@link #abort}. */
  void reportAborted(Atom a, int completed, int killed) {
    policy.onAtomAborted(a, completed, killed);
  }

  List<Atom> atomsOf(int tenant) {
    return launched.stream().map(Launched::atom).filter(a -> a.tenant() == tenant).toList();
  }

  Launched last() { return launched.get(launched.size() - 1); }

  @Override public GpuSpec gpu() { return gpu; }
  @Override public List<TenantSpec> tenants() { return tenants; }
  @Override public double nowMs() { return now; }

  @Override public Atom atom(KernelLaunch launch, int lo, int hi, TpcSet tpcs, int priority) {
    return new Atom(nextId++, launch, lo, hi, tpcs, priority);
  }

  @Override public void launch(Atom atom) { launched.add(new Launched(atom, now)); }
  @Override public void abort(Atom atom) { aborted.add(atom); }
  @Override public void setSmClockMhz(int mhz) { clockMhz = gpu.clocks().clamp(mhz); }
  @Override public int smClockMhz() { return clockMhz; }

  @Override public void partitionMemory(List<TpcSet> partitions, double[] bandwidthShares) {
    throw new UnsupportedOperationException("research baselines never partition memory");
  }

  @Override public void at(double atMs, Runnable action) {
    timers.add(new Timer(atMs, timerSeq++, action));
  }

  // ---- kernels and tenants for the tests (H100: 256 threads x 32 regs -> 8 blocks/SM, 1056/wave)

  static Kernel compute(String name, int blocks, double blockUs) {
    return new Kernel(name, blocks, 256, 32, 0, new WorkProfile(blockUs, 4096, 1.0));
  }

  /** ~100 GB/s per resident block: the whole GPU would ask for ~40x the H100's bandwidth. */
  static Kernel memory(String name, int blocks, double blockUs) {
    return new Kernel(name, blocks, 256, 32, 0, new WorkProfile(blockUs, blockUs * 1e5, 0.1));
  }

  static TenantSpec inference(String name, Priority prio, Kernel... kernels) {
    return new TenantSpec(name, prio, 0, 0, new Workload.Inference(List.of(kernels), new Arrivals.ClosedLoop(), 1));
  }

  static TenantSpec training(String name, Priority prio, Kernel... kernels) {
    return new TenantSpec(name, prio, 0, 0, new Workload.Training(List.of(kernels), 1));
  }
}
