package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import java.util.ArrayList;
import java.util.List;

/**
 * NVIDIA MPS: every client's kernels go straight to the GPU and run concurrently, one hardware
 * queue, first launched first dispatched, no isolation. With an active-thread percentage a client
 * may use only that share of the SMs. MPS does not say which SMs; here limited clients get
 * contiguous TPC ranges, HP from the low end and BE from the high end, so limits do separate
 * tenants as users of the setting intend.
 */
public final class Mps implements Policy {
  /** Parameters. */
  public static final class Params {
    /** Per tenant in scenario order, 1..100 (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE); empty = 100 for all. */
    @Param(unit = Param.PERCENT, value = "SM share per tenant in scenario order, 1..100 (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE); empty = 100 for all.")
    public List<Integer> activeThreadPercent = List.of();
  }

  private final Params params;
  private PolicyContext ctx;
  private final List<TpcSet> masks = new ArrayList<>();

  public Mps(Params params) {
    for (int p : params.activeThreadPercent) {
      if (p < 1 || p > 100) throw new IllegalArgumentException("activeThreadPercent must be 1..100, was " + p);
    }
    this.params = params;
  }

  @Override public String name() { return "mps"; }

  @Override
  public void start(PolicyContext ctx) {
    this.ctx = ctx;
    GpuSpec g = ctx.gpu();
    int n = g.tpcCount();
    if (!params.activeThreadPercent.isEmpty() && params.activeThreadPercent.size() != ctx.tenants().size()) {
      throw new IllegalArgumentException("activeThreadPercent has " + params.activeThreadPercent.size()
          + " entries but the scenario has " + ctx.tenants().size() + " tenants");
    }
    for (int i = 0; i < ctx.tenants().size(); i++) {
      int pct = params.activeThreadPercent.isEmpty() ? 100 : params.activeThreadPercent.get(i);
      int tpcs = Math.max(1, (int) Math.ceil(n * pct / 100.0));
      masks.add(ctx.tenants().get(i).isHighPriority() ? TpcSet.range(0, tpcs) : TpcSet.range(n - tpcs, n));
    }
  }

  @Override
  public void onSubmit(KernelLaunch k) {
    ctx.launch(ctx.atom(k, 0, k.blocks(), masks.get(k.tenant()), 0));
  }

  @Override public void onAtomDone(AtomResult result) {}
}
