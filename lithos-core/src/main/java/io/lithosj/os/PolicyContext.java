package io.lithosj.os;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.workload.TenantSpec;
import java.util.List;

/** What a policy may see and do. */
public interface PolicyContext {
  GpuSpec gpu();

  /** Tenants in scenario order; {@link KernelLaunch#tenant()} indexes this list. */
  List<TenantSpec> tenants();

  double nowMs();

  /** Make an atom with a fresh id. */
  Atom atom(KernelLaunch launch, int blockLo, int blockHi, TpcSet tpcs, int priority);

  void launch(Atom atom);

  void abort(Atom atom);

  void setSmClockMhz(int mhz);

  int smClockMhz();

  void at(double atMs, Runnable action);

  /** MIG-style bandwidth isolation; see {@link io.lithosj.backend.GpuBackend#partitionMemory}. */
  void partitionMemory(List<TpcSet> partitions, double[] bandwidthShares);
}
