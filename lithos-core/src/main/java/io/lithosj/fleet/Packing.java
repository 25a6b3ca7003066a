package io.lithosj.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where tenants go. Services (HP) are packed first-fit decreasing on solo utilisation into GPUs
 * of {@code capacity}; training jobs (BE) then fill GPUs in order, at most {@code maxBePerGpu}
 * each, since they take what the services leave idle rather than a share of their own. A GPU
 * must also be one the policy can serve ({@code servable}: MIG has at most 7 instances).
 * Ties in weight go by id, so a packing is a function of its inputs.
 */
public final class Packing {
  private Packing() {}

  static final Comparator<FleetTenant> HEAVIEST_FIRST =
      Comparator.comparingDouble(FleetTenant::soloUtilization).reversed().thenComparing(FleetTenant::id);

  public static List<List<FleetTenant>> firstFitDecreasing(List<FleetTenant> tenants, double capacity, int maxBePerGpu,
                                                           Predicate<List<FleetTenant>> servable) {
    List<List<FleetTenant>> gpus = new ArrayList<>();
    for (FleetTenant t : tenants.stream().filter(x -> !x.be()).sorted(HEAVIEST_FIRST).toList()) {
      place(gpus, t, g -> hpLoad(g) + t.soloUtilization() <= capacity + 1e-12, servable);
    }
    for (FleetTenant t : tenants.stream().filter(FleetTenant::be).sorted(HEAVIEST_FIRST).toList()) {
      place(gpus, t, g -> g.stream().filter(FleetTenant::be).count() < maxBePerGpu, servable);
    }
    return gpus;
  }

  private static void place(List<List<FleetTenant>> gpus, FleetTenant t, Predicate<List<FleetTenant>> room,
                            Predicate<List<FleetTenant>> servable) {
    for (List<FleetTenant> g : gpus) {
      List<FleetTenant> with = new ArrayList<>(g);
      with.add(t);
      if (room.test(g) && servable.test(with)) {
        g.add(t);
        return;
      }
    }
    gpus.add(new ArrayList<>(List.of(t)));
  }

  /** The services' solo utilisations summed: what packing counts against the capacity. */
  public static double hpLoad(List<FleetTenant> gpu) {
    return gpu.stream().filter(t -> !t.be()).mapToDouble(FleetTenant::soloUtilization).sum();
  }

  /**
   * A GPU that missed an SLO, split in two: services heaviest first each to the lighter half
   * (the one with fewer on a tie, else the first), then training jobs each to the half with fewer of them (the lighter
   * on a tie). One service and one training job become two GPUs of one tenant each. Needs two
   * tenants or more.
   */
  public static List<List<FleetTenant>> split(List<FleetTenant> gpu) {
    if (gpu.size() < 2) throw new IllegalArgumentException("a GPU of " + gpu.size() + " tenant cannot be split");
    List<FleetTenant> a = new ArrayList<>();
    List<FleetTenant> b = new ArrayList<>();
    for (FleetTenant t : gpu.stream().filter(x -> !x.be()).sorted(HEAVIEST_FIRST).toList()) {
      boolean toB = hpLoad(b) < hpLoad(a) || (hpLoad(b) == hpLoad(a) && b.size() < a.size());
      (toB ? b : a).add(t);
    }
    for (FleetTenant t : gpu.stream().filter(FleetTenant::be).sorted(HEAVIEST_FIRST).toList()) {
      long beA = a.stream().filter(FleetTenant::be).count();
      long beB = b.stream().filter(FleetTenant::be).count();
      boolean toB = beB < beA || (beB == beA && (hpLoad(b) < hpLoad(a) || b.isEmpty()));
      (toB ? b : a).add(t);
    }
    if (b.isEmpty()) { // only training jobs: halve them
      int half = a.size() / 2;
      b.addAll(a.subList(half, a.size()));
      a = new ArrayList<>(a.subList(0, half));
    }
    return List.of(a, b);
  }
}
