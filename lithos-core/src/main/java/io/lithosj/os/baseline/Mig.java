package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.GpuSpec.MigProfile;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.os.Policy;
import io.lithosj.os.PolicyContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-Instance GPU: each tenant gets a static GPU instance of a real MIG profile (whole GPCs'
 * worth of TPCs and a fixed share of memory bandwidth), fully isolated and never lent out.
 * Instances sit on consecutive GPCs, as the driver's placements do.
 */
public final class Mig implements Policy {
  /** Parameters. */
  public static final class Params {
    /**
     * Profile per tenant in scenario order (e.g. ["4g.40gb", "3g.40gb"]); empty = the largest
     * split that fits: HP tenants first get the bigger instances.
     */
    @Param(unit = "list", value = "MIG profile per tenant in scenario order, e.g. [\"4g.40gb\", \"3g.40gb\"]; empty = the largest split that fits, HP first.")
    public List<String> profiles = List.of();
    /**
     * Give each instance its profile's share of DRAM bandwidth (true, as MIG does). False keeps
     * only the TPC split: what a static TPC split on one shared GPU gets, e.g. on the CUDA backend,
     * which never reconfigures MIG.
     */
    @Param(unit = "on/off", value = "Give each instance its profile's share of DRAM bandwidth, as MIG does; off = TPC split only.")
    public boolean partitionBandwidth = true;
    /**
     * Split by each tenant's {@code tpcQuota} instead of MIG profiles: tenant i gets the next
     * {@code tpcQuota} TPCs in scenario order, on any TPC boundary. With {@code partitionBandwidth}
     * false this is a static SM split on one shared GPU, as CUDA green contexts make (whose SM
     * counts come in TPC multiples). Every tenant needs a quota.
     */
    @Param(unit = "on/off", value = "Split by each tenant's tpcQuota instead of MIG profiles, as green contexts do.")
    public boolean splitByTpcQuota = false;
  }

  /** Instances of one GPU (compute slices of the largest split). */
  static final int MAX_INSTANCES = 7;

  private final Params params;
  private PolicyContext ctx;
  private final List<TpcSet> partitions = new ArrayList<>();

  public Mig(Params params) { this.params = params; }

  @Override public String name() { return "mig"; }

  @Override
  public String cannotServe(GpuSpec gpu, List<io.lithosj.workload.TenantSpec> tenants) {
    boolean defaultSplit = !params.splitByTpcQuota && params.profiles.isEmpty();
    return defaultSplit && tenants.size() > MAX_INSTANCES
        ? "MIG has at most " + MAX_INSTANCES + " instances; the scenario has " + tenants.size() + " tenants" : null;
  }

  @Override
  public void start(PolicyContext ctx) {
    this.ctx = ctx;
    GpuSpec g = ctx.gpu();
    int n = ctx.tenants().size();
    if (params.splitByTpcQuota) {
      if (!params.profiles.isEmpty()) throw new IllegalArgumentException("give either profiles or splitByTpcQuota, not both");
      int next = 0;
      for (var t : ctx.tenants()) {
        if (t.tpcQuota() <= 0) throw new IllegalArgumentException("splitByTpcQuota: tenant '" + t.name() + "' has no tpcQuota");
        partitions.add(TpcSet.range(next, next + t.tpcQuota()));
        next += t.tpcQuota();
      }
      double[] shares = ctx.tenants().stream().mapToDouble(t -> (double) t.tpcQuota() / g.tpcCount()).toArray();
      if (params.partitionBandwidth) ctx.partitionMemory(partitions, shares);
      return;
    }
    List<MigProfile> chosen = new ArrayList<>();
    if (params.profiles.isEmpty()) {
      chosen.addAll(defaultSplit(g, n, ctx));
    } else {
      if (params.profiles.size() != n) {
        throw new IllegalArgumentException("profiles has " + params.profiles.size() + " entries but the scenario has " + n + " tenants");
      }
      for (String p : params.profiles) chosen.add(g.migProfile(p));
    }
    int slices = chosen.stream().mapToInt(MigProfile::computeSlices).sum();
    int mem = chosen.stream().mapToInt(MigProfile::memSlices).sum();
    if (slices > 7 || mem > 8) {
      throw new IllegalArgumentException("MIG profiles " + chosen.stream().map(MigProfile::name).toList()
          + " need " + slices + " compute slices and " + mem + " memory slices; " + g.id() + " has 7 and 8");
    }
    int gpc = 0;
    double[] shares = new double[n];
    for (int i = 0; i < n; i++) {
      MigProfile p = chosen.get(i);
      TpcSet span = TpcSet.EMPTY;
      for (int c = 0; c < p.computeSlices(); c++) span = span.union(g.gpc(gpc++));
      partitions.add(span.firstN(p.tpcs()));
      shares[i] = p.bandwidthShare();
    }
    if (params.partitionBandwidth) ctx.partitionMemory(partitions, shares);
  }

  /** HP tenants first take the larger instances: 1 tenant 7g; 2 → 4g+3g; 3 → 3g+2g+2g; up to 7 → 1g each. */
  private static List<MigProfile> defaultSplit(GpuSpec g, int n, PolicyContext ctx) {
    List<MigProfile> byCompute = g.migProfiles();
    int[][] splits = {{7}, {4, 3}, {3, 2, 2}, {2, 2, 2, 1}, {2, 2, 1, 1, 1}, {2, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}};
    if (n > splits.length) {
      throw new IllegalArgumentException("MIG has at most " + MAX_INSTANCES + " instances; the scenario has " + n + " tenants");
    }
    int[] split = splits[n - 1];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) if (ctx.tenants().get(i).isHighPriority()) order.add(i);
    for (int i = 0; i < n; i++) if (!ctx.tenants().get(i).isHighPriority()) order.add(i);
    MigProfile[] out = new MigProfile[n];
    for (int r = 0; r < n; r++) {
      int slices = split[r];
      // the standard profile of that size (fewest memory slices), so every split fits 8 memory slices
      out[order.get(r)] = byCompute.stream().filter(p -> p.computeSlices() == slices)
          .min(java.util.Comparator.comparingInt(MigProfile::memSlices)).orElseThrow();
    }
    return List.of(out);
  }

  @Override
  public void onSubmit(KernelLaunch k) {
    ctx.launch(ctx.atom(k, 0, k.blocks(), partitions.get(k.tenant()), 0));
  }

  @Override public void onAtomDone(AtomResult result) {}
}
