package io.lithosj.os.lithos;

import static io.lithosj.os.lithos.Fixtures.H100;
import static io.lithosj.os.lithos.Fixtures.compute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KernelAtomizerTest {
  /** The H100 with a round 5 us launch overhead, so the arithmetic below can be read off. */
  private static final GpuSpec GPU = H100.withLaunchOverheadUs(5.0);

  @Test
  void longKernelBecomesWholeWaveAtomsNearTheTarget() {
    // 16 blocks per TPC per wave; on 10 TPCs a wave is 160 blocks of 50 us; 100 waves = 5 ms
    Kernel k = compute("gemm", 16_000, 50);
    KernelAtomizer a = new KernelAtomizer(GPU, 0.25, 5.0);
    assertEquals(245.0, a.runTargetUs(), 1e-9); // 250 us minus 5 us launch overhead
    List<Integer> atoms = cut(a, k, 10);
    assertEquals(16_000, atoms.stream().mapToInt(Integer::intValue).sum());
    for (int b : atoms) {
      assertEquals(0, b % 160, "whole waves");
      assertTrue(k.withBlocks(b).idealLatencyUs(H100, 10) <= a.runTargetUs());
    }
    assertEquals(25, atoms.size()); // 4 waves = 200 us each; 5 would be 250 > 245
  }

  @Test
  void shortKernelsStayWholeAndLongBlocksMakeOneWaveAtoms() {
    KernelAtomizer a = new KernelAtomizer(H100, 0.25, 5.0);
    Kernel small = compute("small", 1000, 20);
    assertEquals(List.of(1000), cut(a, small, 66));
    Kernel longBlocks = compute("long", 3 * 1056, 1000); // 3 waves of 1 ms on 66 TPCs
    assertEquals(List.of(1056, 1056, 1056), cut(a, longBlocks, 66));
  }

  @Test
  void launchOverheadBoundsTheShortestAtom() {
    // a 10 us target would make launch overhead half the atom; the 5% cap raises it to 95 us
    KernelAtomizer a = new KernelAtomizer(GPU, 0.010, 5.0);
    assertEquals(95.0, a.runTargetUs(), 1e-9);
    KernelAtomizer b = new KernelAtomizer(GPU.withLaunchOverheadUs(20), 0.25, 5.0);
    assertEquals(380.0, b.runTargetUs(), 1e-9);
    // the preset's measured overhead: the floor is 19 launches (95% run, 5% overhead)
    KernelAtomizer c = new KernelAtomizer(H100, 0.010, 5.0);
    assertEquals(19 * H100.launchOverheadUs(), c.minRunUs(), 1e-9);
    assertEquals(c.minRunUs(), c.runTargetUs(), 1e-9);
    assertEquals(250.0 - H100.launchOverheadUs(), new KernelAtomizer(H100, 0.25, 5.0).runTargetUs(), 1e-9);
  }

  @Test
  void unknownKernelsRunWholeToBeMeasured() {
    KernelAtomizer a = new KernelAtomizer(H100, 0.25, 5.0);
    Kernel k = compute("new", 16_000, 50);
    assertEquals(16_000, a.nextAtomBlocks(k, 16_000, 10, b -> Double.NaN));
    assertEquals(0, a.nextAtomBlocksWithin(k, 16_000, 10, b -> Double.NaN, 1e9));
  }

  @Test
  void deadlineBoundedAtomsFitTheBudgetOrAreRefused() {
    KernelAtomizer a = new KernelAtomizer(GPU, 0.25, 5.0);
    Kernel k = compute("gemm", 16_000, 50);
    int b = a.nextAtomBlocksWithin(k, 16_000, 10, n -> k.withBlocks(n).idealLatencyUs(H100, 10), 120);
    assertEquals(320, b); // two 50 us waves fit 120 us
    assertEquals(0, a.nextAtomBlocksWithin(k, 16_000, 10, n -> k.withBlocks(n).idealLatencyUs(H100, 10), 90),
        "below the overhead floor");
    Kernel longBlocks = compute("long", 3 * 1056, 1000);
    assertEquals(0, a.nextAtomBlocksWithin(longBlocks, 3 * 1056, 66,
        n -> longBlocks.withBlocks(n).idealLatencyUs(H100, 66), 500), "one wave does not fit");
  }

  /** Every block exactly once, contiguous, whole waves but the last, within target where a wave fits. */
  @Property(tries = 300)
  void atomsPartitionTheGrid(@ForAll @IntRange(min = 1, max = 200_000) int blocks,
                             @ForAll @IntRange(min = 1, max = 66) int tpcs,
                             @ForAll @DoubleRange(min = 1, max = 3000) double blockUs,
                             @ForAll @DoubleRange(min = 0, max = 2e6) double blockBytes,
                             @ForAll @DoubleRange(min = 0.01, max = 5) double targetMs) {
    Kernel k = new Kernel("k", blocks, 128, 64, 0, new WorkProfile(blockUs, blockBytes, 0.5));
    KernelAtomizer a = new KernelAtomizer(H100, targetMs, 5.0);
    int wave = k.waveSize(H100, tpcs);
    double waveUs = k.withBlocks(Math.min(blocks, wave)).idealLatencyUs(H100, tpcs);
    List<Integer> atoms = cut(a, k, tpcs);
    assertEquals(blocks, atoms.stream().mapToInt(Integer::intValue).sum());
    for (int i = 0; i < atoms.size(); i++) {
      int b = atoms.get(i);
      assertTrue(b > 0);
      if (i < atoms.size() - 1) assertEquals(0, b % wave, "whole waves except the last atom");
      double us = k.withBlocks(b).idealLatencyUs(H100, tpcs);
      assertTrue(us <= Math.max(a.runTargetUs(), waveUs) * (1 + 1e-9), us + " us atom, target " + a.runTargetUs());
    }
  }

  private static List<Integer> cut(KernelAtomizer a, Kernel k, int tpcs) {
    List<Integer> out = new ArrayList<>();
    for (int left = k.blocks(); left > 0; ) {
      int b = a.nextAtomBlocks(k, left, tpcs, n -> k.withBlocks(n).idealLatencyUs(H100, tpcs));
      out.add(b);
      left -= b;
    }
    return out;
  }
}
