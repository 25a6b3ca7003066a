package io.lithosj.os.baseline;

import io.lithosj.kernel.KernelLaunch;
import io.lithosj.workload.TenantSpec;
import java.util.List;

/**
 * Which tenants are in the middle of a request (inference) or iteration (training): from the
 * submission of the kernel with {@code seq == 0} until the last kernel of the sequence
 * completes. Orion calls this "the HP task is running" ({@code seen[hp] > 0}); REEF stays in
 * real-time mode while an RT task is in flight.
 */
final class RequestTracker {
  private final int[] kernelsPerRequest;
  private final double[] startMs;
  private final boolean[] active;

  RequestTracker(List<TenantSpec> tenants) {
    int n = tenants.size();
    kernelsPerRequest = new int[n];
    startMs = new double[n];
    active = new boolean[n];
    for (int i = 0; i < n; i++) kernelsPerRequest[i] = tenants.get(i).workload().kernels().size();
  }

  void onSubmit(KernelLaunch l, double nowMs) {
    if (l.seq() == 0) {
      active[l.tenant()] = true;
      startMs[l.tenant()] = nowMs;
    }
  }

  /**
   * A launch of the tenant finished completely.
   *
   * @return the request's duration in ms if this launch ended it, otherwise -1
   */
  double onLaunchDone(KernelLaunch l, double nowMs) {
    if (l.seq() != kernelsPerRequest[l.tenant()] - 1) return -1;
    active[l.tenant()] = false;
    return nowMs - startMs[l.tenant()];
  }

  boolean isActive(int tenant) { return active[tenant]; }
}
