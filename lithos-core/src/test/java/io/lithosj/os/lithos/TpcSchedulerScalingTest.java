package io.lithosj.os.lithos;

import static io.lithosj.os.lithos.Fixtures.be;
import static io.lithosj.os.lithos.Fixtures.compute;
import static io.lithosj.os.lithos.Fixtures.hp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.workload.TenantSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16 item 8, as behaviour: a dispatch round asks about lenders only for tenants that want
 * TPCs, and only owners that have an idle TPC, so its questions do not grow with the tenant count.
 * (Speed itself is lithos-bench's {@code TenantScalingBench}.)
 */
class TpcSchedulerScalingTest {
  /** Every TPC busy but 0..3; one tenant wants two TPCs; idle owners lend freely, and are counted. */
  private static final class CountingDemand implements TpcScheduler.Demand {
    final TpcScheduler s;
    final int wanting;
    int lendAsked, wantAsked, taken;
    final List<Integer> lendAskedOf = new ArrayList<>();
    long nextId = 1000;

    CountingDemand(TpcScheduler s, int wanting) {
      this.s = s;
      this.wanting = wanting;
    }

    @Override public int wantTpcs(int t) {
      wantAsked++;
      return t == wanting ? 2 - taken : 0;
    }

    @Override public double lendUntilMs(int owner) {
      lendAsked++;
      lendAskedOf.add(owner);
      return Double.POSITIVE_INFINITY;
    }

    @Override public boolean run(int t, TpcSet tpcs, double untilMs) {
      s.assign(atom(nextId++, t, tpcs));
      taken += tpcs.size();
      return true;
    }
  }

  private static Atom atom(long id, int tenant, TpcSet tpcs) {
    return new Atom(id, new KernelLaunch(id, tenant, compute("k", 100, 1), 0, 0), 0, 100, tpcs, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 50, 200})
  void lendersAskedAreTheOwnersOfIdleTpcsWhateverTheTenantCount(int n) {
    List<TenantSpec> tenants = IntStream.range(0, n).mapToObj(i -> i % 2 == 0 ? hp("h" + i, 0) : be("b" + i, 0)).toList();
    TpcScheduler s = new TpcScheduler(66, tenants);
    // each TPC but 0..3 runs an atom of its owner (or of tenant 0 where no one owns it)
    for (int x = 4; x < 66; x++) s.assign(atom(x, Math.max(0, s.ownerOf(x)), TpcSet.range(x, x + 1)));
    int wanting = n - 1; // a BE tenant: owns no TPC when there are more tenants than TPCs
    CountingDemand d = new CountingDemand(s, wanting);
    int[] order = IntStream.range(0, n).toArray();
    int idleOwners = s.ownersOfIdleTpcs().length;
    assertTrue(idleOwners >= 1 && idleOwners <= 4, "owners of TPCs 0..3: " + idleOwners);

    s.dispatch(order, true, d);

    assertEquals(2, d.taken, "the wanting tenant took two of the idle TPCs");
    s.checkInvariants();
    // one try took both TPCs: each owner of an idle TPC was asked once, never every tenant for every tenant
    assertTrue(d.lendAsked <= idleOwners, n + " tenants: " + d.lendAsked + " lendUntilMs calls for " + idleOwners + " owners");
    assertTrue(d.lendAskedOf.stream().allMatch(o -> o != wanting && s.owned(o).intersects(TpcSet.range(0, 4))),
        "asked only owners of the idle TPCs: " + d.lendAskedOf);
    // wantTpcs: once per tenant per phase, a few more for the one that wants
    assertTrue(d.wantAsked <= 2 * n + 8, n + " tenants: " + d.wantAsked + " wantTpcs calls");
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 200})
  void ownersOfIdleTpcsAreAscendingAndDistinct(int n) {
    List<TenantSpec> tenants = IntStream.range(0, n).mapToObj(i -> i % 3 == 0 ? hp("h" + i, 0) : be("b" + i, 0)).toList();
    TpcScheduler s = new TpcScheduler(66, tenants);
    int[] expected = IntStream.range(0, 66).map(s::ownerOf).filter(o -> o != TpcScheduler.NONE).distinct().sorted().toArray();
    assertArrayEquals(expected, s.ownersOfIdleTpcs());
    s.assign(atom(1, 0, s.owned(expected[0])));
    assertArrayEquals(IntStream.of(expected).skip(1).toArray(), s.ownersOfIdleTpcs(), "an owner with no idle TPC left drops out");
  }
}
