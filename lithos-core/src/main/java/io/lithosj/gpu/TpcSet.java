package io.lithosj.gpu;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

/**
 * An immutable set of TPC indices (0..127), stored as two 64-bit words so set algebra is a few
 * ALU operations. 128 covers every NVIDIA GPU to date (H100 SXM has 66 TPCs, A100 54).
 */
public final class TpcSet implements Iterable<Integer> {
  public static final int MAX_TPCS = 128;
  public static final TpcSet EMPTY = new TpcSet(0L, 0L);

  private final long lo;
  private final long hi;

  private TpcSet(long lo, long hi) {
    this.lo = lo;
    this.hi = hi;
  }

  /** TPCs {@code [from, to)}. */
  public static TpcSet range(int from, int to) {
    if (from < 0 || to > MAX_TPCS || from > to) {
      throw new IllegalArgumentException("TPC range [" + from + ", " + to + ") outside [0, " + MAX_TPCS + ")");
    }
    long lo = 0, hi = 0;
    for (int i = from; i < to; i++) {
      if (i < 64) lo |= 1L << i; else hi |= 1L << (i - 64);
    }
    return new TpcSet(lo, hi);
  }

  public static TpcSet of(int... tpcs) {
    long lo = 0, hi = 0;
    for (int t : tpcs) {
      check(t);
      if (t < 64) lo |= 1L << t; else hi |= 1L << (t - 64);
    }
    return new TpcSet(lo, hi);
  }

  public static TpcSet ofWords(long lo, long hi) {
    return new TpcSet(lo, hi);
  }

  private static void check(int t) {
    if (t < 0 || t >= MAX_TPCS) throw new IllegalArgumentException("TPC index " + t + " outside [0, " + MAX_TPCS + ")");
  }

  public boolean contains(int tpc) {
    if (tpc < 0 || tpc >= MAX_TPCS) return false;
    return tpc < 64 ? (lo >>> tpc & 1L) != 0 : (hi >>> (tpc - 64) & 1L) != 0;
  }

  public int size() { return Long.bitCount(lo) + Long.bitCount(hi); }
  public boolean isEmpty() { return lo == 0 && hi == 0; }
  public TpcSet union(TpcSet o) { return new TpcSet(lo | o.lo, hi | o.hi); }
  public TpcSet intersect(TpcSet o) { return new TpcSet(lo & o.lo, hi & o.hi); }
  public TpcSet minus(TpcSet o) { return new TpcSet(lo & ~o.lo, hi & ~o.hi); }
  public boolean intersects(TpcSet o) { return (lo & o.lo) != 0 || (hi & o.hi) != 0; }
  public boolean containsAll(TpcSet o) { return (o.lo & ~lo) == 0 && (o.hi & ~hi) == 0; }
  public TpcSet with(int tpc) { return union(of(tpc)); }
  public TpcSet without(int tpc) { return minus(of(tpc)); }
  public long lowWord() { return lo; }
  public long highWord() { return hi; }

  /** Lowest TPC index, or -1 when empty. */
  public int first() {
    if (lo != 0) return Long.numberOfTrailingZeros(lo);
    if (hi != 0) return 64 + Long.numberOfTrailingZeros(hi);
    return -1;
  }

  /** Highest TPC index, or -1 when empty. */
  public int last() {
    if (hi != 0) return 127 - Long.numberOfLeadingZeros(hi);
    if (lo != 0) return 63 - Long.numberOfLeadingZeros(lo);
    return -1;
  }

  /** Next member at or above {@code from}, or -1. */
  public int next(int from) {
    if (from < 64) {
      long w = from <= 0 ? lo : lo & (-1L << from);
      if (w != 0) return Long.numberOfTrailingZeros(w);
      from = 64;
    }
    if (from >= MAX_TPCS) return -1;
    long w = hi & (-1L << (from - 64));
    return w != 0 ? 64 + Long.numberOfTrailingZeros(w) : -1;
  }

  /** The {@code n} lowest-numbered members (all of them if fewer). */
  public TpcSet firstN(int n) {
    if (n >= size()) return this;
    long l = 0, h = 0;
    int taken = 0;
    for (int t = first(); t >= 0 && taken < n; t = next(t + 1), taken++) {
      if (t < 64) l |= 1L << t; else h |= 1L << (t - 64);
    }
    return new TpcSet(l, h);
  }

  public IntStream stream() {
    return IntStream.iterate(first(), t -> t >= 0, t -> next(t + 1));
  }

  public int[] toArray() { return stream().toArray(); }

  @Override
  public PrimitiveIterator.OfInt iterator() {
    return new PrimitiveIterator.OfInt() {
      int cur = first();
      @Override public boolean hasNext() { return cur >= 0; }
      @Override public int nextInt() {
        if (cur < 0) throw new NoSuchElementException();
        int r = cur;
        cur = TpcSet.this.next(cur + 1);
        return r;
      }
    };
  }

  @Override public boolean equals(Object o) {
    return o instanceof TpcSet t && t.lo == lo && t.hi == hi;
  }

  @Override public int hashCode() { return Long.hashCode(lo) * 31 + Long.hashCode(hi); }

  /** Compact ranges, e.g. {@code {0-15,32,40-41}}. */
  @Override public String toString() {
    StringBuilder sb = new StringBuilder("{");
    int t = first();
    while (t >= 0) {
      int end = t;
      while (contains(end + 1)) end++;
      if (sb.length() > 1) sb.append(',');
      sb.append(t);
      if (end > t) sb.append('-').append(end);
      t = next(end + 1);
    }
    return sb.append('}').toString();
  }
}
