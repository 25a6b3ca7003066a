package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SequenceAlignerTest {
  @Test
  void identicalSequencesPairByPosition() {
    assertArrayEquals(new int[] {0, 1, 2}, SequenceAligner.align(List.of("a", "b", "a"), List.of("a", "b", "a")));
  }

  @Test
  void missingAndExtraKernelsShiftNothingElse() {
    // the other run lacks "b" and has an extra "x" before the last kernel
    int[] map = SequenceAligner.align(List.of("a", "b", "c", "d"), List.of("a", "c", "x", "d"));
    assertArrayEquals(new int[] {0, -1, 1, 3}, map);
    assertEquals(3, SequenceAligner.matched(map));
  }

  @Test
  void aPartialRunPairsAsASubsequence() {
    List<String> full = List.of("fwd1", "bn", "fwd2", "bn", "loss", "bwd2", "bnb", "bwd1", "bnb", "sgd");
    List<String> forward = List.of("fwd1", "bn", "fwd2", "bn", "loss");
    int[] map = SequenceAligner.align(full, forward);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, -1, -1, -1, -1, -1}, map);
  }

  @Property(tries = 200)
  void pairsAreOrderedEqualAndAsManyAsTheLongestCommonSubsequence(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 4) Integer> a,
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 4) Integer> b) {
    List<String> x = a.stream().map(i -> "k" + i).toList();
    List<String> y = b.stream().map(i -> "k" + i).toList();
    int[] map = SequenceAligner.align(x, y);
    int last = -1;
    for (int i = 0; i < map.length; i++) {
      if (map[i] < 0) continue;
      assertTrue(map[i] > last, "pairs must keep order");
      assertEquals(x.get(i), y.get(map[i]));
      last = map[i];
    }
    assertEquals(lcsLength(x, y), SequenceAligner.matched(map));
  }

  private static int lcsLength(List<String> x, List<String> y) {
    int[][] d = new int[x.size() + 1][y.size() + 1];
    for (int i = 1; i <= x.size(); i++) {
      for (int j = 1; j <= y.size(); j++) {
        d[i][j] = x.get(i - 1).equals(y.get(j - 1)) ? d[i - 1][j - 1] + 1 : Math.max(d[i - 1][j], d[i][j - 1]);
      }
    }
    return d[x.size()][y.size()];
  }
}
