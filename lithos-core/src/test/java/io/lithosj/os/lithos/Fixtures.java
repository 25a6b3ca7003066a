package io.lithosj.os.lithos;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import io.lithosj.workload.Arrivals;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.List;

/** Small builders shared by the mechanism tests. */
final class Fixtures {
  static final GpuSpec H100 = GpuSpec.H100_SXM;

  private Fixtures() {}

  /** Compute-bound kernel: 256 threads, 32 regs → 8 blocks per SM, 16 per TPC per wave. */
  static Kernel compute(String name, int blocks, double blockUs) {
    return new Kernel(name, blocks, 256, 32, 0, new WorkProfile(blockUs, 0, 0.9));
  }

  static Kernel streaming(String name, int blocks, double blockUs, double bytes) {
    return new Kernel(name, blocks, 256, 32, 0, new WorkProfile(blockUs, bytes, 0.1));
  }

  static TenantSpec hp(String name, int quota) {
    return new TenantSpec(name, Priority.HP, 0, quota,
        new Workload.Inference(List.of(compute("k", 132, 10)), new Arrivals.ClosedLoop(), 1));
  }

  static TenantSpec be(String name, int quota) {
    return new TenantSpec(name, Priority.BE, 0, quota, new Workload.Training(List.of(compute("g", 4224, 50)), 1));
  }
}
