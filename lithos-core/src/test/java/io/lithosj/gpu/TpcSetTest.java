package io.lithosj.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TpcSetTest {
  private static TpcSet of(Set<Integer> s) { return TpcSet.of(s.stream().mapToInt(i -> i).toArray()); }

  private static BitSet bits(Set<Integer> s) {
    BitSet b = new BitSet();
    s.forEach(b::set);
    return b;
  }

  private static BitSet bits(TpcSet t) {
    BitSet b = new BitSet();
    t.forEach(b::set);
    return b;
  }

  @Property
  void lastIsTheHighestMember(@ForAll @Size(max = 40) Set<@IntRange(max = 127) Integer> a) {
    assertEquals(a.stream().mapToInt(i -> i).max().orElse(-1), of(a).last());
  }

  @Property
  void setAlgebraMatchesBitSet(@ForAll @Size(max = 40) Set<@IntRange(max = 127) Integer> a,
                               @ForAll @Size(max = 40) Set<@IntRange(max = 127) Integer> b) {
    BitSet u = bits(a); u.or(bits(b));
    BitSet i = bits(a); i.and(bits(b));
    BitSet m = bits(a); m.andNot(bits(b));
    assertEquals(u, bits(of(a).union(of(b))));
    assertEquals(i, bits(of(a).intersect(of(b))));
    assertEquals(m, bits(of(a).minus(of(b))));
    assertEquals(a.size(), of(a).size());
    assertEquals(!i.isEmpty(), of(a).intersects(of(b)));
  }

  @Property
  void firstNTakesLowestMembers(@ForAll @Size(max = 60) Set<@IntRange(max = 127) Integer> a, @ForAll @IntRange(max = 70) int n) {
    TpcSet f = of(a).firstN(n);
    assertEquals(Math.min(n, a.size()), f.size());
    int maxTaken = f.stream().max().orElse(-1);
    assertEquals(f.size(), (int) a.stream().filter(x -> x <= maxTaken).count());
  }

  @Test
  void rangeAndToString() {
    assertEquals("{0-3,64-65}", TpcSet.range(0, 4).union(TpcSet.range(64, 66)).toString());
    assertEquals(66, GpuSpec.H100_SXM.allTpcs().size());
    assertThrows(IllegalArgumentException.class, () -> TpcSet.of(128));
  }

  @Test
  void presetsHaveThePublishedTopology() {
    assertEquals(66, GpuSpec.H100_SXM.tpcCount());
    assertEquals(132, GpuSpec.H100_SXM.smCount());
    assertEquals(8, GpuSpec.H100_SXM.gpcCount());
    assertEquals(54, GpuSpec.A100_40GB.tpcCount());
    assertEquals(108, GpuSpec.A100_40GB.smCount());
    assertEquals(7, GpuSpec.A100_40GB.gpcCount());
    assertEquals(GpuSpec.H100_SXM.allTpcs(), TpcSet.EMPTY.union(GpuSpec.H100_SXM.gpc(0)).union(GpuSpec.H100_SXM.allTpcs()));
    assertEquals(3, GpuSpec.H100_SXM.gpcOfTpc(GpuSpec.H100_SXM.gpc(3).first()));
  }
}
