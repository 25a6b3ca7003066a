package io.lithosj.backend.cuda;

import io.lithosj.gpu.TpcSet;
import java.util.Arrays;

/**
 * Busy time of each TPC: the length of the union of the intervals in which an atom masked to it
 * ran. Kept up to date as atoms finish, so reading it costs nothing: computing it from all the
 * intervals at once stalled the poll loop for ~45 ms at the end of a run's warm-up. Intervals
 * mostly arrive in end order, which makes an insert O(1); others are merged where they belong.
 * Intervals that ended more than {@link #HORIZON_MS} before the latest one are final and dropped
 * from the per-TPC lists (their time stays counted), so memory does not grow with the run.
 */
final class BusyTime {
  static final double HORIZON_MS = 10_000;

  private final double[][] start;
  private final double[][] end;
  private final int[] size;
  private double totalMs;

  BusyTime(int tpcs) {
    start = new double[tpcs][16];
    end = new double[tpcs][16];
    size = new int[tpcs];
  }

  void add(double startMs, double endMs, TpcSet tpcs) {
    if (!(endMs > startMs)) return;
    for (int t = tpcs.first(); t >= 0; t = tpcs.next(t + 1)) insert(t, startMs, endMs);
  }

  /** Sum over TPCs of their busy time. */
  double totalMs() { return totalMs; }

  private void insert(int t, double s, double e) {
    double[] st = start[t];
    double[] en = end[t];
    int n = size[t];
    int at = n;
    while (at > 0 && st[at - 1] > e) at--; // intervals wholly after the new one stay after it
    int from = at;
    while (from > 0 && en[from - 1] >= s) { // overlapping ones merge into it
      from--;
      s = Math.min(s, st[from]);
      e = Math.max(e, en[from]);
      totalMs -= en[from] - st[from];
    }
    int removed = at - from;
    if (removed == 0 && n == st.length) {
      int keep = firstRecent(en, n, Math.max(e, en[n - 1]) - HORIZON_MS);
      if (keep > n / 2 && at >= keep) { // mostly old: drop them instead of growing
        System.arraycopy(st, keep, st, 0, n - keep);
        System.arraycopy(en, keep, en, 0, n - keep);
        n -= keep;
        at -= keep;
        from -= keep;
      } else {
        start[t] = st = Arrays.copyOf(st, n * 2);
        end[t] = en = Arrays.copyOf(en, n * 2);
      }
    }
    System.arraycopy(st, at, st, from + 1, n - at);
    System.arraycopy(en, at, en, from + 1, n - at);
    st[from] = s;
    en[from] = e;
    size[t] = n - removed + 1;
    totalMs += e - s;
  }

  /** Index of the first interval (in start order) that ends at or after {@code cutoffMs}, or n. */
  private static int firstRecent(double[] en, int n, double cutoffMs) {
    int i = 0;
    while (i < n && en[i] < cutoffMs) i++;
    return i;
  }
}
