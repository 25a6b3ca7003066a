package io.lithosj.os.baseline;

import static io.lithosj.os.baseline.FakeContext.compute;
import static io.lithosj.os.baseline.FakeContext.inference;
import static io.lithosj.os.baseline.FakeContext.training;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Kernel;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mig's splitByTpcQuota: a static split by TPC quota, as a green-context SM split makes. */
class MigSplitTest {
  static final GpuSpec H100 = GpuSpec.H100_SXM;
  static final Kernel K = compute("k", 4000, 10);

  private static TenantSpec quota(TenantSpec t, int tpcs) {
    return new TenantSpec(t.name(), t.priority(), t.sloMs(), tpcs, t.workload());
  }

  @Test
  void eachTenantGetsItsQuotaOfConsecutiveTpcs() {
    FakeContext ctx = new FakeContext(H100, List.of(quota(inference("hp", Priority.HP, K), 32), quota(training("be", Priority.BE, K), 34)));
    Mig.Params p = new Mig.Params();
    p.splitByTpcQuota = true;
    p.partitionBandwidth = false;
    ctx.start(new Mig(p));
    ctx.submit(0, K, 0);
    ctx.submit(1, K, 0);
    assertEquals(TpcSet.range(0, 32), ctx.atomsOf(0).get(0).tpcs(), "HP: TPCs 0-31 (64 SMs)");
    assertEquals(TpcSet.range(32, 66), ctx.atomsOf(1).get(0).tpcs(), "BE: the other 34 (68 SMs)");
  }

  @Test
  void aTenantWithoutQuotaIsAnError() {
    FakeContext ctx = new FakeContext(H100, List.of(quota(inference("hp", Priority.HP, K), 32), training("be", Priority.BE, K)));
    Mig.Params p = new Mig.Params();
    p.splitByTpcQuota = true;
    var e = assertThrows(IllegalArgumentException.class, () -> ctx.start(new Mig(p)));
    assertTrue(e.getMessage().contains("tenant 'be' has no tpcQuota"), e.getMessage());
  }
}
