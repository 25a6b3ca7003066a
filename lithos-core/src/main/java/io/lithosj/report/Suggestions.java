package io.lithosj.report;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean ...": the known names closest to a mistyped one (edit distance, case ignored). */
public final class Suggestions {
  private Suggestions() {}

  /**
   * Names within a small edit distance of {@code typed} (at most 1 for names up to 4 letters, 2 up
   * to 8, else 3), or that start with it or it with them, nearest first; empty when none is near.
   */
  public static List<String> near(String typed, Collection<String> known) {
    String t = typed.toLowerCase(Locale.ROOT);
    int limit = t.length() <= 4 ? 1 : t.length() <= 8 ? 2 : 3;
    return known.stream()
        .filter(k -> distance(t, k.toLowerCase(Locale.ROOT)) <= limit
            || (t.length() >= 2 && (k.toLowerCase(Locale.ROOT).startsWith(t) || t.startsWith(k.toLowerCase(Locale.ROOT)))))
        .sorted(Comparator.comparingInt(k -> distance(t, k.toLowerCase(Locale.ROOT))))
        .toList();
  }

  /** {@code "; did you mean x?"} (or {@code x or y}) for the nearest names, or "" when none is near. */
  public static String didYouMean(String typed, Collection<String> known) {
    List<String> n = near(typed, known);
    if (n.isEmpty()) return "";
    return "; did you mean " + String.join(" or ", n.subList(0, Math.min(2, n.size()))) + "?";
  }

  /** Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
