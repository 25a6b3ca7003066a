package io.lithosj.os.lithos;

import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.workload.TenantSpec;
import java.util.Arrays;
import java.util.List;

/**
 * TPC ownership and occupancy. Ownership is the quota partition, fixed for a run; occupancy
 * changes per atom. The state is explicit so it can be checked: each TPC runs at most one atom at
 * a time, hence never atoms of two tenants at once; a TPC whose holder is not its owner is stolen.
 *
 * <p>Quotas ({@link #quotas}): explicit {@code tpcQuota}s are honoured (their sum may not exceed
 * the GPU); tenants with quota 0 split what is left equally, a remainder TPC going to HP tenants
 * first. HP tenants' TPCs are numbered first. With no zero-quota tenant, leftover TPCs form an
 * unowned pool any tenant may use.
 */
public final class TpcScheduler {
  public static final int NONE = -1;

  private final int tpcCount;
  private final List<TenantSpec> tenants;
  private final int[] owner;
  private final TpcSet[] owned;
  private final long[] atomOn;
  private final int[] holder;
  private final int[] heldCount;
  private final TpcSet pool;      // TPCs no tenant owns
  private final TpcSet beOwned;   // TPCs BE tenants own
  private final TpcSet hpOwned;   // TPCs HP tenants own
  private TpcSet free;
  private TpcSet ownersFor;        // the idle set {@link #owners} was found for
  private int[] owners;

  public TpcScheduler(int tpcCount, List<TenantSpec> tenants) {
    this.tpcCount = tpcCount;
    this.tenants = List.copyOf(tenants);
    int[] quota = quotas(tpcCount, tenants);
    owner = new int[tpcCount];
    Arrays.fill(owner, NONE);
    owned = new TpcSet[tenants.size()];
    int next = 0;
    for (int pass = 0; pass < 2; pass++) { // HP tenants' ranges first
      for (int t = 0; t < tenants.size(); t++) {
        if (tenants.get(t).isHighPriority() != (pass == 0)) continue;
        owned[t] = TpcSet.range(next, next + quota[t]);
        for (int i = 0; i < quota[t]; i++) owner[next + i] = t;
        next += quota[t];
      }
    }
    atomOn = new long[tpcCount];
    Arrays.fill(atomOn, NONE);
    holder = new int[tpcCount];
    Arrays.fill(holder, NONE);
    heldCount = new int[tenants.size()];
    round = new RoundDemand(tenants.size());
    free = TpcSet.range(0, tpcCount);
    TpcSet be = TpcSet.EMPTY, hp = TpcSet.EMPTY;
    for (int t = 0; t < tenants.size(); t++) {
      if (tenants.get(t).isHighPriority()) hp = hp.union(owned[t]); else be = be.union(owned[t]);
    }
    beOwned = be;
    hpOwned = hp;
    pool = TpcSet.range(0, tpcCount).minus(be).minus(hp);
  }

  /** Each tenant's TPC quota under the rule in the class comment; throws naming the tenant. */
  public static int[] quotas(int tpcCount, List<TenantSpec> tenants) {
    int[] q = new int[tenants.size()];
    int explicit = 0;
    int zeros = 0;
    for (int t = 0; t < tenants.size(); t++) {
      int want = tenants.get(t).tpcQuota();
      if (want < 0) {
        throw new IllegalArgumentException("tenants[" + t + "] '" + tenants.get(t).name()
            + "': tpcQuota must be >= 0, was " + want);
      }
      q[t] = want;
      explicit += want;
      if (want == 0) zeros++;
    }
    if (explicit > tpcCount) {
      throw new IllegalArgumentException("tenants: tpcQuota values sum to " + explicit + " but the GPU has "
          + tpcCount + " TPCs");
    }
    if (zeros == 0) return q;
    int left = tpcCount - explicit;
    int share = left / zeros;
    int extra = left - share * zeros;
    for (int pass = 0; pass < 2; pass++) {
      for (int t = 0; t < tenants.size(); t++) {
        if (tenants.get(t).tpcQuota() != 0 || tenants.get(t).isHighPriority() != (pass == 0)) continue;
        q[t] = share + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
      }
    }
    return q;
  }

  public int tpcCount() { return tpcCount; }
  public int ownerOf(int tpc) { return owner[tpc]; }
  public TpcSet owned(int tenant) { return owned[tenant]; }
  public int quota(int tenant) { return owned[tenant].size(); }

  /** Tenant running an atom on {@code tpc}, or {@link #NONE}. */
  public int holderOf(int tpc) { return holder[tpc]; }

  public long atomOn(int tpc) { return atomOn[tpc]; }
  public TpcSet free() { return free; }
  public int heldBy(int tenant) { return heldCount[tenant]; }
  public TpcSet freeOwnedBy(int tenant) { return free.intersect(owned[tenant]); }

  /** How many of {@code tpcs} belong to a tenant other than {@code tenant} (the pool excluded). */
  public int stolenIn(TpcSet tpcs, int tenant) {
    int n = 0;
    for (int x : tpcs) if (owner[x] != tenant && owner[x] != NONE) n++;
    return n;
  }

  /** TPCs held by a tenant other than their owner. */
  public int stolenCount() {
    int n = 0;
    for (int x = 0; x < tpcCount; x++) if (holder[x] != NONE && holder[x] != owner[x]) n++;
    return n;
  }

  /**
   * The {@code k} TPCs of {@code avail} that {@code tenant} should take: its own first, then the
   * unowned pool, then BE-owned, then HP-owned (an HP owner is the one whose return costs the most
   * latency), lowest index first within each group so sets stay compact.
   */
  public TpcSet pick(TpcSet avail, int k, int tenant) {
    if (k >= avail.size()) return avail;
    TpcSet own = owned[tenant];
    TpcSet chosen = TpcSet.EMPTY;
    // preference ranks as masks (ownership is fixed for the run): own, pool, BE-owned, HP-owned
    for (TpcSet rank : new TpcSet[] {own, pool, beOwned.minus(own), hpOwned.minus(own)}) {
      int left = k - chosen.size();
      if (left == 0) break;
      chosen = chosen.union(avail.intersect(rank).firstN(left));
    }
    return chosen;
  }

  /** What the dispatcher needs from the tenants' side. */
  public interface Demand {
    /** TPCs {@code tenant} could use now for its next atom (0 = nothing to run or enough held). */
    int wantTpcs(int tenant);

    /**
     * Until when {@code owner}'s idle TPCs may be lent: {@code +inf} freely (the owner is idle),
     * a time for atoms predicted to end by then (the owner is busy on fewer TPCs than it owns),
     * NaN not at all (the owner is about to need them). No side effects: the scheduler may ask
     * once for several TPCs of one owner.
     */
    double lendUntilMs(int owner);

    /**
     * Launch one atom of {@code tenant} on exactly {@code tpcs}, predicted to end by
     * {@code untilMs} (the callee calls {@link #assign}); false, launching nothing, when not even
     * its smallest atom would end in time.
     */
    boolean run(int tenant, TpcSet tpcs, double untilMs);
  }

  /**
   * Spatial dispatch. Phase 1: every tenant, in {@code order}, runs on its own idle TPCs. Phase 2,
   * again in {@code order}: tenants that still want TPCs take the unowned pool and, with
   * {@code stealing}, idle TPCs of idle owners; then TPCs that busy owners lend until a deadline,
   * if an atom fits before it. An owner with work never lends (phase 1 took its idle TPCs), so a
   * stolen TPC comes back when the atom on it ends. Work-conserving: afterwards no tenant wants
   * TPCs while an own, pool or freely lent TPC is idle.
   *
   * <p>Cost (issue 16 item 8): phase 2 skips a tenant that wants nothing and asks only owners that
   * have an idle TPC (found from the idle TPCs, at most the GPU's count), instead of every tenant
   * for every tenant; with 50 tenants the scan made LithOS 10x slower per event than with 10.
   * An owner's {@link Demand#lendUntilMs} is asked once per round and kept until that owner
   * launches an atom ({@link RoundDemand}). Nothing skipped could have launched an atom, and
   * lendUntilMs has no side effects, so the atoms launched are the same.
   */
  public void dispatch(int[] order, boolean stealing, Demand tenantsDemand) {
    Demand demand = round.start(tenantsDemand);
    for (int t : order) {
      for (int want = demand.wantTpcs(t); want > 0; want = demand.wantTpcs(t)) {
        TpcSet own = freeOwnedBy(t);
        if (own.isEmpty() || !runChecked(t, pick(own, want, t), Double.POSITIVE_INFINITY, demand)) break;
      }
    }
    for (int t : order) {
      if (demand.wantTpcs(t) <= 0) continue;
      for (int want = demand.wantTpcs(t); want > 0; want = demand.wantTpcs(t)) {
        TpcSet free = usableBy(t, stealing, demand);
        if (free.isEmpty() || !runChecked(t, pick(free, want, t), Double.POSITIVE_INFINITY, demand)) break;
      }
      if (!stealing) continue;
      // Busy owners' spare TPCs, for atoms that end in time, owners in ascending order: only those
      // lending until a time (an idle owner's were offered above, a needy owner lends none). While
      // t is served only t's state and owner o's idle TPCs change, so the list found at its start holds.
      int want = demand.wantTpcs(t);
      for (int o : deadlineLenders()) {
        if (want <= 0) break;
        if (o == t) continue;
        double until = demand.lendUntilMs(o);
        for (; want > 0; want = demand.wantTpcs(t)) {
          TpcSet spare = freeOwnedBy(o);
          if (spare.isEmpty() || !runChecked(t, pick(spare, want, t), until, demand)) break;
        }
      }
    }
  }

  /** Idle TPCs {@code tenant} may take without a deadline: its own, the pool, and idle owners' when stealing. */
  public TpcSet usableBy(int tenant, boolean stealing, Demand demand) {
    TpcSet r = free.intersect(owned[tenant].union(pool));
    if (!stealing) return r;
    for (int o : ownersOfIdleTpcs()) { // asked once per owner with idle TPCs (lendUntilMs has no side effects)
      if (o != tenant && demand.lendUntilMs(o) == Double.POSITIVE_INFINITY) r = r.union(free.intersect(owned[o]));
    }
    return r;
  }

  /**
   * Owners of idle TPCs that lend them until a finite time, ascending; found again when the round,
   * the idle set or any tenant's atoms changed.
   */
  private int[] deadlineLenders() {
    if (lendersFor == free && lendersRound == round.round && lendersRuns == round.runs) return lenders;
    int[] owners = ownersOfIdleTpcs();
    int[] found = new int[owners.length];
    int n = 0;
    for (int o : owners) {
      double until = round.lendUntilMs(o);
      if (!Double.isNaN(until) && until != Double.POSITIVE_INFINITY) found[n++] = o;
    }
    lenders = Arrays.copyOf(found, n);
    lendersFor = free;
    lendersRound = round.round;
    lendersRuns = round.runs;
    return lenders;
  }

  private int[] lenders;
  private TpcSet lendersFor;
  private int lendersRound;
  private long lendersRuns;

  /** Tenants owning at least one idle TPC, ascending: at most the GPU's TPC count, whatever the tenant count. */
  int[] ownersOfIdleTpcs() {
    if (ownersFor == free) return owners; // the idle set is immutable: same set, same owners
    int[] found = new int[free.size()];
    int n = 0;
    for (int x : free) {
      int o = owner[x];
      if (o != NONE && (n == 0 || found[n - 1] != o)) found[n++] = o; // an owner's TPCs are one range
    }
    int[] out = Arrays.copyOf(found, n);
    Arrays.sort(out);
    ownersFor = free;
    owners = out;
    return out;
  }

  private final RoundDemand round;

  /**
   * The tenants' demand for one dispatch round, remembering each owner's lendUntilMs until the
   * owner launches: it depends on the owner's own queue, held TPCs and running atoms (and the
   * clock and predictions, which a round does not change), so another tenant's launch leaves it as it was.
   */
  private static final class RoundDemand implements Demand {
    private final double[] lendUntil;
    private final int[] askedInRound;
    private int round;
    private long runs; // launch attempts, so callers can tell when lending may have changed
    private Demand d;

    RoundDemand(int tenants) {
      lendUntil = new double[tenants];
      askedInRound = new int[tenants];
    }

    Demand start(Demand tenantsDemand) {
      d = tenantsDemand;
      if (++round == 0) round = 1; // 0 marks "not asked"
      return this;
    }

    @Override public int wantTpcs(int tenant) { return d.wantTpcs(tenant); }

    @Override public double lendUntilMs(int owner) {
      if (askedInRound[owner] != round) {
        lendUntil[owner] = d.lendUntilMs(owner);
        askedInRound[owner] = round;
      }
      return lendUntil[owner];
    }

    @Override public boolean run(int tenant, TpcSet tpcs, double untilMs) {
      askedInRound[tenant] = 0; // its queue, TPCs and running atoms may change: ask again
      runs++;
      return d.run(tenant, tpcs, untilMs);
    }
  }

  private boolean runChecked(int tenant, TpcSet tpcs, double untilMs, Demand demand) {
    TpcSet before = free;
    boolean ran = demand.run(tenant, tpcs, untilMs);
    TpcSet taken = before.minus(free);
    if (ran ? !taken.equals(tpcs) : !taken.isEmpty()) {
      throw new IllegalStateException("dispatch gave tenant " + tenant + " TPCs " + tpcs + " but it took " + taken);
    }
    return ran;
  }

  /** Mark the atom's TPCs busy; refuses a TPC that already runs an atom. */
  public void assign(Atom atom) {
    if (!free.containsAll(atom.tpcs())) {
      throw new IllegalStateException("atom " + atom.id() + " of tenant " + atom.tenant() + " on " + atom.tpcs()
          + " overlaps busy TPCs " + atom.tpcs().minus(free) + " (running atoms " + busyAtoms(atom.tpcs().minus(free)) + ")");
    }
    for (int x : atom.tpcs()) {
      if (x >= tpcCount) throw new IllegalStateException("atom " + atom.id() + " uses TPC " + x + " of " + tpcCount);
      atomOn[x] = atom.id();
      holder[x] = atom.tenant();
    }
    heldCount[atom.tenant()] += atom.tpcs().size();
    free = free.minus(atom.tpcs());
  }

  /** Free the atom's TPCs; refuses TPCs that run another atom. */
  public void release(Atom atom) {
    for (int x : atom.tpcs()) {
      if (atomOn[x] != atom.id()) {
        throw new IllegalStateException("release of atom " + atom.id() + ": TPC " + x + " runs atom " + atomOn[x]);
      }
    }
    for (int x : atom.tpcs()) {
      atomOn[x] = NONE;
      holder[x] = NONE;
    }
    heldCount[atom.tenant()] -= atom.tpcs().size();
    free = free.union(atom.tpcs());
  }

  /** Cross-checks the redundant views of the state; throws on any mismatch. */
  public void checkInvariants() {
    int[] count = new int[heldCount.length];
    for (int x = 0; x < tpcCount; x++) {
      boolean busy = atomOn[x] != NONE;
      if (busy == free.contains(x) || busy != (holder[x] != NONE)) {
        throw new IllegalStateException("TPC " + x + ": atom " + atomOn[x] + ", holder " + holder[x] + ", free " + free.contains(x));
      }
      if (busy) count[holder[x]]++;
    }
    if (!Arrays.equals(count, heldCount)) {
      throw new IllegalStateException("held counts " + Arrays.toString(heldCount) + " but TPCs say " + Arrays.toString(count));
    }
  }

  private String busyAtoms(TpcSet tpcs) {
    return Arrays.toString(tpcs.stream().mapToLong(x -> atomOn[x]).distinct().toArray());
  }
}
