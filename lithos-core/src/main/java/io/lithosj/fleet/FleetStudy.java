package io.lithosj.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioException;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.os.Policies;
import io.lithosj.os.Policy;
import io.lithosj.sweep.PointRunner;
import io.lithosj.sweep.SweepPoint;
import io.lithosj.sweep.SweepRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs a fleet study: solo runs of every entry (its packing weight and its baseline), a
 * first-fit-decreasing packing per policy, then rounds of checks. In a round every stack not yet
 * checked, of every policy, is one point for the {@link PointRunner}; a stack whose services miss
 * the SLO target is split in two ({@link Packing#split}) and the halves are checked next round. A
 * single tenant that misses alone stays as it is and counts as a miss. Splits only shrink stacks,
 * so the rounds end. Then the stacks are re-packed: pairs of passing stacks that fit together (the
 * lightest first, within the capacity, the training-job limit and what the policy can serve, with
 * a service among them) are merged and checked, and a merge that passes replaces its two stacks.
 * Each pair of tenant sets is tried once, so these rounds end too.
 */
public final class FleetStudy {
  private FleetStudy() {}

  /** A GPU of a policy's packing and, once checked, its run's rows (one per tenant). */
  public record Gpu(String id, List<FleetTenant> tenants, List<SweepRow> rows) {
    boolean checked() { return rows != null; }
  }

  public static FleetResult run(FleetSpec spec, PointRunner runner, Consumer<String> progress) {
    List<ObjectNode> entries = new ArrayList<>(spec.services());
    entries.addAll(spec.training());
    // 1. solo runs: each entry alone on a GPU (the policy does not matter for one tenant; MPS has no parameters to tune)
    List<SweepPoint> solo = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      ObjectNode e = entries.get(i);
      boolean be = i >= spec.services().size();
      String where = be ? "training[" + (i - spec.services().size()) + "]" : "services[" + i + "]";
      FleetTenant t = new FleetTenant(e.get("name").asText(), e.get("name").asText(), be, e, 0);
      solo.add(new SweepPoint(i, "solo", List.of(t.id()), scenario(spec, spec.name() + "-solo-" + t.id(), "mps", List.of(t), where)));
    }
    progress.accept("solo runs: " + solo.size() + " entries");
    List<List<SweepRow>> soloRows = runner.run(solo, progress);
    Map<String, SweepRow> soloOf = new LinkedHashMap<>();
    List<FleetTenant> tenants = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      ObjectNode e = entries.get(i);
      SweepRow r = soloRows.get(i).get(0);
      soloOf.put(e.get("name").asText(), r);
      for (int k = 1; k <= e.get("count").asInt(); k++) {
        tenants.add(new FleetTenant(e.get("name").asText() + "-" + k, e.get("name").asText(), i >= spec.services().size(), e, r.tpcUtilization()));
      }
    }
    // 2. a packing per policy
    Map<String, List<Gpu>> packing = new LinkedHashMap<>();
    Map<String, int[]> counters = new LinkedHashMap<>();
    for (String p : spec.policies()) {
      counters.put(p, new int[1]);
      List<Gpu> gpus = new ArrayList<>();
      for (List<FleetTenant> g : Packing.firstFitDecreasing(tenants, spec.capacity(), spec.maxBePerGpu(), servable(spec, p))) {
        gpus.add(new Gpu("g" + counters.get(p)[0]++, List.copyOf(g), null));
      }
      packing.put(p, gpus);
    }
    // 3. rounds of checks
    int rounds = 0;
    int simulations = solo.size();
    while (true) {
      List<SweepPoint> points = new ArrayList<>();
      List<String[]> owners = new ArrayList<>(); // policy, gpu id
      for (var e : packing.entrySet()) {
        for (Gpu g : e.getValue()) {
          if (g.checked()) continue;
          points.add(new SweepPoint(points.size(), e.getKey(), List.of(g.id()),
              scenario(spec, spec.name() + "-" + e.getKey() + "-" + g.id(), e.getKey(), g.tenants(), "stack " + g.id())));
          owners.add(new String[] {e.getKey(), g.id()});
        }
      }
      if (points.isEmpty()) break;
      rounds++;
      progress.accept("round " + rounds + ": " + points.size() + " stacks to check");
      List<List<SweepRow>> rows = runner.run(points, progress);
      simulations += points.size();
      for (int i = 0; i < points.size(); i++) {
        List<Gpu> gpus = packing.get(owners.get(i)[0]);
        int at = indexOf(gpus, owners.get(i)[1]);
        Gpu g = new Gpu(gpus.get(at).id(), gpus.get(at).tenants(), rows.get(i));
        if (meets(g, spec.sloTarget()) || g.tenants().size() < 2) {
          gpus.set(at, g);
        } else {
          List<List<FleetTenant>> halves = Packing.split(g.tenants());
          int[] c = counters.get(owners.get(i)[0]);
          gpus.set(at, new Gpu("g" + c[0]++, List.copyOf(halves.get(0)), null));
          gpus.add(at + 1, new Gpu("g" + c[0]++, List.copyOf(halves.get(1)), null));
        }
      }
    }
    // 4. re-packing: splits work on one stack at a time and can leave light stacks behind; merge pairs back where they pass
    Set<String> refused = new HashSet<>();
    while (true) {
      List<SweepPoint> points = new ArrayList<>();
      List<Object[]> merges = new ArrayList<>(); // policy, gpu a, gpu b
      for (var e : packing.entrySet()) {
        Predicate<List<FleetTenant>> servable = servable(spec, e.getKey());
        Set<String> used = new HashSet<>();
        List<Gpu> lightest = e.getValue().stream()
            .sorted(Comparator.comparingDouble((Gpu g) -> Packing.hpLoad(g.tenants())).thenComparing(Gpu::id)).toList();
        for (int i = 0; i < lightest.size(); i++) {
          for (int j = i + 1; j < lightest.size(); j++) {
            Gpu a = lightest.get(i);
            Gpu b = lightest.get(j);
            List<FleetTenant> both = new ArrayList<>(a.tenants());
            both.addAll(b.tenants());
            String key = e.getKey() + ":" + both.stream().map(FleetTenant::id).sorted().toList();
            if (used.contains(a.id()) || used.contains(b.id()) || refused.contains(key)
                || Packing.hpLoad(both) > spec.capacity() + 1e-12
                || both.stream().filter(FleetTenant::be).count() > spec.maxBePerGpu()
                || both.stream().noneMatch(t -> !t.be()) || !servable.test(both)) {
              continue;
            }
            used.add(a.id());
            used.add(b.id());
            refused.add(key); // tried once: a pass replaces both, a miss is not tried again
            String id = "g" + counters.get(e.getKey())[0]++;
            points.add(new SweepPoint(points.size(), e.getKey(), List.of(id),
                scenario(spec, spec.name() + "-" + e.getKey() + "-" + id, e.getKey(), both, "stack " + id)));
            merges.add(new Object[] {e.getKey(), a, b, new Gpu(id, List.copyOf(both), null)});
          }
        }
      }
      if (points.isEmpty()) break;
      rounds++;
      progress.accept("round " + rounds + ": " + points.size() + " merged stacks to check");
      List<List<SweepRow>> rows = runner.run(points, progress);
      simulations += points.size();
      for (int i = 0; i < points.size(); i++) {
        Object[] m = merges.get(i);
        Gpu merged = (Gpu) m[3];
        Gpu checked = new Gpu(merged.id(), merged.tenants(), rows.get(i));
        if (!meets(checked, spec.sloTarget())) continue;
        List<Gpu> gpus = packing.get((String) m[0]);
        int at = indexOf(gpus, ((Gpu) m[1]).id());
        gpus.set(at, checked);
        gpus.remove(indexOf(gpus, ((Gpu) m[2]).id()));
      }
    }
    return new FleetResult(spec, soloOf, packing, rounds, simulations);
  }

  private static int indexOf(List<Gpu> gpus, String id) {
    for (int i = 0; i < gpus.size(); i++) if (gpus.get(i).id().equals(id)) return i;
    throw new IllegalStateException("no GPU " + id);
  }

  /** Every service on the GPU finished at least {@code target} of its requests within its SLO (no arrivals: nothing missed). */
  static boolean meets(Gpu g, double target) {
    return g.rows().stream().filter(r -> r.priority().equals("HP")).allMatch(r -> meets(r, target));
  }

  static boolean meets(SweepRow r, double target) {
    return Double.isNaN(r.sloAttainment()) || r.sloAttainment() >= target;
  }

  /** A stack the policy can run (MIG: at most 7 instances), asked of the policy itself. */
  private static Predicate<List<FleetTenant>> servable(FleetSpec spec, String policy) {
    return g -> {
      Scenario s = ScenarioLoader.parse(scenario(spec, "check", policy, g, "stack"), false);
      Policy p = Policies.create(s.policyName(), s.policyParams());
      return p.cannotServe(s.gpuSpec(), s.tenantSpecs()) == null;
    };
  }

  /** The scenario of a stack: the fleet's run fields, the policy, the tenants in order; checked, errors name {@code where}. */
  static String scenario(FleetSpec spec, String name, String policy, List<FleetTenant> tenants, String where) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("name", name);
    for (String f : List.of("gpu", "durationMs", "warmupMs", "drainMs", "seed", "dispatch", "perPolicy")) {
      if (spec.run().has(f)) s.set(f, spec.run().get(f).deepCopy());
    }
    s.putObject("policy").put("name", policy);
    ArrayNode ts = s.putArray("tenants");
    tenants.forEach(t -> ts.add(t.tenantJson()));
    String json = s.toString();
    try {
      ScenarioLoader.parse(json, false).tenantSpecs();
    } catch (ScenarioException e) {
      throw new IllegalArgumentException(where + " (" + tenants.stream().map(FleetTenant::entry).distinct().toList() + "): " + e.getMessage());
    }
    return json;
  }
}
