package io.lithosj.workload.trace;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs the kernels of two runs of the same request by name: a longest common subsequence of the
 * two name sequences (Hirschberg's algorithm: O(n·m) time, O(m) space), so a kernel that one run
 * has and the other lacks shifts nothing after it. Identical sequences take a linear fast path.
 * Ties go to the earliest pairing, so the result is deterministic.
 */
public final class SequenceAligner {
  private SequenceAligner() {}

  /** For each index of {@code base}, the index in {@code other} of the kernel paired with it, or -1. */
  public static int[] align(List<String> base, List<String> other) {
    int[] map = new int[base.size()];
    Arrays.fill(map, -1);
    if (base.equals(other)) {
      for (int i = 0; i < map.length; i++) map[i] = i;
      return map;
    }
    Map<String, Integer> ids = new HashMap<>();
    int[] a = encode(base, ids);
    int[] b = encode(other, ids);
    lcs(a, 0, a.length, b, 0, b.length, map);
    return map;
  }

  /** Number of pairs in an alignment. */
  public static int matched(int[] map) {
    int n = 0;
    for (int j : map) if (j >= 0) n++;
    return n;
  }

  private static int[] encode(List<String> names, Map<String, Integer> ids) {
    int[] r = new int[names.size()];
    for (int i = 0; i < r.length; i++) r[i] = ids.computeIfAbsent(names.get(i), k -> ids.size());
    return r;
  }

  private static void lcs(int[] a, int aLo, int aHi, int[] b, int bLo, int bHi, int[] map) {
    if (aLo >= aHi || bLo >= bHi) return;
    if (aHi - aLo == 1) {
      for (int j = bLo; j < bHi; j++) {
        if (b[j] == a[aLo]) {
          map[aLo] = j;
          return;
        }
      }
      return;
    }
    int mid = (aLo + aHi) >>> 1;
    int[] fwd = forward(a, aLo, mid, b, bLo, bHi);
    int[] bwd = backward(a, mid, aHi, b, bLo, bHi);
    int best = -1, split = bLo;
    for (int k = 0; k <= bHi - bLo; k++) {
      int s = fwd[k] + bwd[k];
      if (s > best) {
        best = s;
        split = bLo + k;
      }
    }
    lcs(a, aLo, mid, b, bLo, split, map);
    lcs(a, mid, aHi, b, split, bHi, map);
  }

  /** row[k] = LCS length of a[aLo, aHi) and b[bLo, bLo + k). */
  private static int[] forward(int[] a, int aLo, int aHi, int[] b, int bLo, int bHi) {
    int m = bHi - bLo;
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int i = aLo; i < aHi; i++) {
      for (int k = 1; k <= m; k++) {
        cur[k] = a[i] == b[bLo + k - 1] ? prev[k - 1] + 1 : Math.max(prev[k], cur[k - 1]);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev;
  }

  /** row[k] = LCS length of a[aLo, aHi) and b[bLo + k, bHi). */
  private static int[] backward(int[] a, int aLo, int aHi, int[] b, int bLo, int bHi) {
    int m = bHi - bLo;
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int i = aHi - 1; i >= aLo; i--) {
      cur[m] = 0;
      for (int k = m - 1; k >= 0; k--) {
        cur[k] = a[i] == b[bLo + k] ? prev[k + 1] + 1 : Math.max(prev[k], cur[k + 1]);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev;
  }
}
