package io.lithosj.os;

import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.workload.TenantSpec;
import java.util.List;

/**
 * A GPU-sharing policy: it sees events and answers with actions on the {@link PolicyContext}
 * (launch an atom on a TPC set and priority, abort, set the clock, set a timer). One interface
 * serves the modeled and the real GPU.
 *
 * <p>A tenant submits its next kernel only after the previous one of its stream finished, so a
 * policy never has to enforce stream order itself. A launch is complete when atoms covering all
 * its blocks have finished; the runner checks that and tells the tenant, not the policy.
 */
public interface Policy {
  /** Short name used in scenario files and result tables, e.g. {@code mps}, {@code lithos}. */
  String name();

  void start(PolicyContext ctx);

  /**
   * Why this policy cannot serve these tenants on this GPU at all (e.g. MIG has at most 7
   * instances), or null if it can. Asked before a run starts, so {@code lithos run -p all} skips
   * such a policy with the reason and still runs the others.
   */
  default String cannotServe(GpuSpec gpu, List<TenantSpec> tenants) { return null; }

  /** A tenant's stream made this launch ready. */
  void onSubmit(KernelLaunch launch);

  void onAtomDone(AtomResult result);

  /** An atom this policy aborted was killed; default: nothing to do. */
  default void onAtomAborted(Atom atom, int blocksCompleted, int blocksWasted) {}

  /** Metrics the policy itself keeps (e.g. predictor error); shown next to the run's results. */
  default java.util.Map<String, Double> metrics() { return java.util.Map.of(); }
}
