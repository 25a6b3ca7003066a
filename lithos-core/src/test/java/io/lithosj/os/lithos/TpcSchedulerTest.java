package io.lithosj.os.lithos;

import static io.lithosj.os.lithos.Fixtures.be;
import static io.lithosj.os.lithos.Fixtures.compute;
import static io.lithosj.os.lithos.Fixtures.hp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.workload.TenantSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TpcSchedulerTest {
  @Test
  void explicitQuotasHoldAndZeroQuotasSplitTheRestWithHpFirst() {
    // 66 TPCs: 20 explicit; 46 left for three zero-quota tenants = 15 each + 1 to the HP one
    List<TenantSpec> t = List.of(be("b1", 0), hp("h1", 20), be("b2", 0), hp("h2", 0));
    assertArrayEquals(new int[] {15, 20, 15, 16}, TpcScheduler.quotas(66, t));
    TpcScheduler s = new TpcScheduler(66, t);
    // HP tenants are numbered first: h1 = 0..19, h2 = 20..35, then b1, b2
    assertEquals(TpcSet.range(0, 20), s.owned(1));
    assertEquals(TpcSet.range(20, 36), s.owned(3));
    assertEquals(TpcSet.range(36, 51), s.owned(0));
    assertEquals(TpcSet.range(51, 66), s.owned(2));
  }

  @Test
  void leftoverWithoutZeroQuotaTenantsIsAnUnownedPool() {
    TpcScheduler s = new TpcScheduler(66, List.of(hp("h", 30), be("b", 30)));
    for (int x = 60; x < 66; x++) assertEquals(TpcScheduler.NONE, s.ownerOf(x));
  }

  @Test
  void badQuotasNameTheTenant() {
    var e = assertThrows(IllegalArgumentException.class, () -> TpcScheduler.quotas(66, List.of(hp("h", 40), be("b", 40))));
    assertTrue(e.getMessage().contains("sum to 80"), e.getMessage());
    var neg = assertThrows(IllegalArgumentException.class, () -> TpcScheduler.quotas(66, List.of(hp("h", -1))));
    assertTrue(neg.getMessage().contains("tenants[0] 'h'"), neg.getMessage());
  }

  @Test
  void aTpcRunsOneAtomAtATime() {
    TpcScheduler s = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    Atom a = atom(1, 0, TpcSet.range(0, 10));
    Atom b = atom(2, 1, TpcSet.range(9, 12));
    s.assign(a);
    var e = assertThrows(IllegalStateException.class, () -> s.assign(b));
    assertTrue(e.getMessage().contains("busy TPCs {9}"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> s.release(b));
    s.release(a);
    s.assign(b);
    s.checkInvariants();
    assertEquals(3, s.heldBy(1));
    assertEquals(3, s.stolenCount()); // b's tenant 1 runs on TPCs 9-11, owned by tenant 0
  }

  @Test
  void ownersRunOnTheirTpcsFirstAndIdleOwnersLend() {
    TpcScheduler s = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    FakeDemand d = new FakeDemand(s, new int[] {66, 66});
    s.dispatch(new int[] {0, 1}, true, d);
    // both want everything: each gets its own 33, nobody lends (both have work)
    assertEquals(List.of("0:{0-32}", "1:{33-65}"), d.log);

    TpcScheduler s2 = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    FakeDemand d2 = new FakeDemand(s2, new int[] {0, 66});
    d2.until[0] = Double.POSITIVE_INFINITY; // the HP tenant is idle
    s2.dispatch(new int[] {0, 1}, true, d2);
    assertEquals(List.of("1:{33-65}", "1:{0-32}"), d2.log);
    assertEquals(33, s2.stolenCount());
  }

  @Test
  void noStealingWhenOffOrWhenTheOwnerIsAboutToNeedItsTpcs() {
    TpcScheduler s = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    FakeDemand d = new FakeDemand(s, new int[] {0, 66});
    d.until[0] = Double.POSITIVE_INFINITY;
    s.dispatch(new int[] {0, 1}, false, d);
    assertEquals(List.of("1:{33-65}"), d.log);

    TpcScheduler s2 = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    FakeDemand d2 = new FakeDemand(s2, new int[] {0, 66});
    d2.until[0] = Double.NaN;
    s2.dispatch(new int[] {0, 1}, true, d2);
    assertEquals(List.of("1:{33-65}"), d2.log);
  }

  @Test
  void busyOwnersLendSpareTpcsOnlyUntilTheirDeadline() {
    TpcScheduler s = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    FakeDemand d = new FakeDemand(s, new int[] {10, 66});
    d.until[0] = 7.5; // busy HP on 10 TPCs: its 23 spare ones are lent until 7.5 ms
    s.dispatch(new int[] {0, 1}, true, d);
    assertEquals(List.of("0:{0-9}", "1:{33-65}", "1:{10-32}@7.5"), d.log);

    TpcScheduler s2 = new TpcScheduler(66, List.of(hp("h", 33), be("b", 0)));
    FakeDemand d2 = new FakeDemand(s2, new int[] {10, 66});
    d2.until[0] = 7.5;
    d2.declineDeadlines = true; // the borrower's atoms do not fit: the TPCs stay idle for their owner
    s2.dispatch(new int[] {0, 1}, true, d2);
    assertEquals(List.of("0:{0-9}", "1:{33-65}"), d2.log);
  }

  @Test
  void borrowersPreferBeOwnedTpcsOverHpOwnedOnes() {
    TpcScheduler s = new TpcScheduler(66, List.of(hp("h", 20), be("b1", 23), be("b2", 23)));
    // h = 0..19, b1 = 20..42, b2 = 43..65
    TpcSet avail = TpcSet.range(10, 25).union(TpcSet.range(60, 66));
    assertEquals(TpcSet.range(60, 66).union(TpcSet.range(20, 24)), s.pick(avail, 10, 2)); // own, then BE-owned
    assertEquals(TpcSet.range(60, 66).union(TpcSet.range(20, 25)).union(TpcSet.range(10, 14)), s.pick(avail, 15, 2));
  }

  private static Atom atom(long id, int tenant, TpcSet tpcs) {
    KernelLaunch l = new KernelLaunch(id, tenant, compute("k", 100, 1), 0, 0);
    return new Atom(id, l, 0, 100, tpcs, 0);
  }

  /** Tenants that want a fixed number of TPCs; records each atom as tenant:tpcs[@deadline]. */
  static final class FakeDemand implements TpcScheduler.Demand {
    final TpcScheduler s;
    final int[] want;
    final double[] until;
    final List<String> log = new ArrayList<>();
    boolean declineDeadlines;
    long ids;

    FakeDemand(TpcScheduler s, int[] want) {
      this.s = s;
      this.want = want.clone();
      this.until = new double[want.length];
      java.util.Arrays.fill(until, Double.NaN);
    }

    @Override public int wantTpcs(int t) { return want[t]; }
    @Override public double lendUntilMs(int o) { return want[o] > 0 ? Double.NaN : until[o]; }

    @Override public boolean run(int t, TpcSet tpcs, double untilMs) {
      if (untilMs != Double.POSITIVE_INFINITY && declineDeadlines) return false;
      s.assign(atom(ids++, t, tpcs));
      want[t] -= tpcs.size();
      log.add(t + ":" + tpcs + (untilMs == Double.POSITIVE_INFINITY ? "" : "@" + untilMs));
      return true;
    }
  }
}
