package io.lithosj.os.baseline;

import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import io.lithosj.workload.TenantSpec;
import io.lithosj.workload.Workload;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Orion (Strati et al., EuroSys '24): interference-aware kernel admission, after
 * eth-easl/orion src/scheduler/scheduler_eval.cpp (busy_wait_profile). HP kernels go straight
 * to the GPU on the high-priority stream. A BE kernel (round robin over BE tenants) goes
 * <ul>
 *   <li>at once when no HP request is in flight;</li>
 *   <li>beside a running HP request only if the SMs it needs, plus those of BE kernels admitted
 *       in the same pass, fit under SM_THRESHOLD and its roofline class differs from the HP's
 *       current kernel (never two compute-bound or two memory-bound kernels together);</li>
 *   <li>and, once the BE kernels admitted since the last drain sum to more than DUR_THRESHOLD
 *       of solo time, only after all outstanding BE kernels have finished.</li>
 * </ul>
 * With a training HP and {@code hpIterLimitMs > 0}, SM_THRESHOLD is bisected every 10 HP
 * iterations against the tolerated iteration time, as in the C code. Not modeled: the first
 * 10 warm-up iterations scheduled freely, memcpy/malloc records, the optimizer "update phase".
 */
public final class Orion implements Policy {
  static final int HP_PRIORITY = 1;
  static final int BE_PRIORITY = 0;

  private final OrionParams p;
  private final Map<Kernel, KernelProfile> profiles = new HashMap<>();
  private PolicyContext ctx;
  private GpuSpec gpu;
  private RequestTracker requests;
  private List<Integer> beTenants;
  private KernelLaunch[] pending;       // per tenant: the BE kernel waiting for admission
  private double[] pendingSinceMs;
  private KernelProfile.Bound[] hpBound; // per HP tenant: class of its latest kernel
  private int rr = -1;                   // round-robin position in beTenants
  private final Set<Long> outstandingBe = new HashSet<>();
  private double beDurationSumUs;
  private boolean largeFound;
  private double durThresholdUs;
  private int smThreshold;

  // SM_THRESHOLD bisection against hp_limit (training HP only).
  private boolean bisect;
  private int lowSms;
  private int highSms;
  private double hpIterSumMs;
  private long hpIterations;

  private long admittedBesideHp;
  private long deferredKernels;
  private double deferMs;

  public Orion(OrionParams p) {
    p.validate();
    this.p = p;
  }

  @Override public String name() { return "orion"; }

  @Override public void start(PolicyContext ctx) {
    this.ctx = ctx;
    this.gpu = ctx.gpu();
    List<TenantSpec> ts = ctx.tenants();
    requests = new RequestTracker(ts);
    pending = new KernelLaunch[ts.size()];
    pendingSinceMs = new double[ts.size()];
    hpBound = new KernelProfile.Bound[ts.size()];
    beTenants = IntStream.range(0, ts.size())
        .filter(i -> !ts.get(i).isHighPriority()).boxed().toList();

    double hpRequestUs = Double.POSITIVE_INFINITY;
    boolean hpTrains = false;
    for (TenantSpec t : ts) {
      if (!t.isHighPriority()) continue;
      double us = 0;
      for (Kernel k : t.workload().kernels()) us += profile(k).soloUs() + gpu.launchOverheadUs();
      hpRequestUs = Math.min(hpRequestUs, us);
      hpTrains |= t.workload() instanceof Workload.Training;
    }
    durThresholdUs = p.durThresholdUs > 0 ? p.durThresholdUs : p.durThresholdFraction * hpRequestUs;

    int maxBeSms = 0;
    for (int i : beTenants) {
      for (Kernel k : ts.get(i).workload().kernels()) maxBeSms = Math.max(maxBeSms, profile(k).smNeeded());
    }
    if (hpTrains) {
      smThreshold = p.smThreshold > 0 ? p.smThreshold : maxBeSms / 2;
      bisect = p.hpIterLimitMs > 0;
      lowSms = 0;
      highSms = maxBeSms;
    } else {
      smThreshold = p.smThreshold > 0 ? p.smThreshold : gpu.smCount();
    }
  }

  @Override public void onSubmit(KernelLaunch l) {
    requests.onSubmit(l, ctx.nowMs());
    if (ctx.tenants().get(l.tenant()).isHighPriority()) {
      hpBound[l.tenant()] = profile(l.kernel()).bound();
      ctx.launch(ctx.atom(l, 0, l.blocks(), gpu.allTpcs(), HP_PRIORITY));
    } else {
      pending[l.tenant()] = l;
      pendingSinceMs[l.tenant()] = ctx.nowMs();
    }
    schedule();
  }

  @Override public void onAtomDone(AtomResult r) {
    KernelLaunch l = r.atom().launch();
    if (ctx.tenants().get(l.tenant()).isHighPriority()) {
      double iterMs = requests.onLaunchDone(l, ctx.nowMs());
      if (iterMs >= 0) {
        if (bisect) bisectStep(iterMs);
        // The HP tenant's next request or iteration may be submitted at this very instant;
        // decide after it has had the chance, as Orion's poll loop would.
        ctx.at(ctx.nowMs(), this::schedule);
        return;
      }
    } else {
      outstandingBe.remove(r.atom().id());
    }
    schedule();
  }

  /** One pass of the scheduler loop over the waiting BE kernels. */
  private void schedule() {
    boolean hpRunning = false;
    for (int i = 0; i < pending.length; i++) {
      if (ctx.tenants().get(i).isHighPriority() && requests.isActive(i)) hpRunning = true;
    }
    int admittedSms = 0;
    int n = beTenants.size();
    for (int step = 1; step <= n; step++) {
      int idx = Math.floorMod(rr + step, n);
      int t = beTenants.get(idx);
      KernelLaunch l = pending[t];
      if (l == null) continue;
      KernelProfile prof = profile(l.kernel());
      boolean admit = !hpRunning
          || (admittedSms + prof.smNeeded() <= smThreshold && differsFromHp(prof.bound()));
      if (admit && largeFound) {
        if (!outstandingBe.isEmpty()) admit = false;
        else {
          largeFound = false;
          beDurationSumUs = 0;
        }
      }
      if (!admit) continue;
      admittedSms += prof.smNeeded();
      beDurationSumUs += prof.soloUs();
      if (beDurationSumUs > durThresholdUs) largeFound = true;
      double waited = ctx.nowMs() - pendingSinceMs[t];
      if (waited > 0) {
        deferredKernels++;
        deferMs += waited;
      }
      if (hpRunning) admittedBesideHp++;
      var atom = ctx.atom(l, 0, l.blocks(), gpu.allTpcs(), BE_PRIORITY);
      outstandingBe.add(atom.id());
      pending[t] = null;
      rr = idx;
      ctx.launch(atom);
    }
  }

  private boolean differsFromHp(KernelProfile.Bound be) {
    for (int i = 0; i < hpBound.length; i++) {
      if (requests.isActive(i) && hpBound[i] == be) return false;
    }
    return true;
  }

  private void bisectStep(double iterMs) {
    hpIterSumMs += iterMs;
    hpIterations++;
    if (hpIterations % p.bisectEveryIterations != 0 || lowSms == smThreshold) return;
    double avgMs = hpIterSumMs / p.bisectEveryIterations;
    hpIterSumMs = 0;
    if (avgMs > p.hpIterLimitMs) highSms = smThreshold;
    else lowSms = smThreshold;
    smThreshold = (lowSms + highSms) / 2;
  }

  KernelProfile profile(Kernel k) {
    return profiles.computeIfAbsent(k, x -> KernelProfile.of(x, gpu, p.rooflineRidge));
  }

  public int smThreshold() { return smThreshold; }

  public double durThresholdUs() { return durThresholdUs; }

  @Override public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("orion.durThresholdUs", durThresholdUs);
    m.put("orion.smThreshold", (double) smThreshold);
    m.put("orion.beAdmittedBesideHp", (double) admittedBesideHp);
    m.put("orion.beDeferredKernels", (double) deferredKernels);
    m.put("orion.beDeferMs", deferMs);
    return m;
  }
}
