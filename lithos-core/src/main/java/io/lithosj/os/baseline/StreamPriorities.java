package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.backend.AtomResult;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;

/**
 * CUDA stream priorities: HP tenants launch on a high-priority stream, BE on a low one, all on
 * the whole GPU. The block scheduler then starts waiting HP blocks before BE blocks, but running
 * BE blocks are never preempted: HP work waits for them to drain.
 */
public final class StreamPriorities implements Policy {
  /** Parameters. */
  public static final class Params {
    /** Stream priority of HP tenants (higher = more urgent; CUDA has 6 levels on Hopper). */
    @Param(unit = "priority", value = "Stream priority of HP tenants (higher is more urgent).")
    public int hpPriority = 1;
    @Param(unit = "priority", value = "Stream priority of BE tenants.")
    public int bePriority = 0;
  }

  private final Params params;
  private PolicyContext ctx;

  public StreamPriorities(Params params) {
    if (params.hpPriority <= params.bePriority) throw new IllegalArgumentException("hpPriority must exceed bePriority");
    this.params = params;
  }

  @Override public String name() { return "priority"; }
  @Override public void start(PolicyContext ctx) { this.ctx = ctx; }

  @Override
  public void onSubmit(KernelLaunch k) {
    int prio = ctx.tenants().get(k.tenant()).isHighPriority() ? params.hpPriority : params.bePriority;
    ctx.launch(ctx.atom(k, 0, k.blocks(), ctx.gpu().allTpcs(), prio));
  }

  @Override public void onAtomDone(AtomResult result) {}
}
