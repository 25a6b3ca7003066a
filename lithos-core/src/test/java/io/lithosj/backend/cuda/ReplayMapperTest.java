package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayMapperTest {
  static final GpuSpec H100 = GpuSpec.H100_SXM;
  static final ReplayCosts COSTS = new ReplayCosts(0.0330, 1.2, 2048, 4,
      List.of(new ReplayCosts.ShapeFactor(256, 1.0), new ReplayCosts.ShapeFactor(1024, 1.05)),
      List.of(new ReplayCosts.MixedPoint(2048, 25, 2, 0.070), new ReplayCosts.MixedPoint(32768, 200, 5, 0.075)));
  static final ReplayMapper MAPPER = new ReplayMapper(H100, COSTS);

  @Test void threadsFillTheSmForEveryResidency() {
    assertEquals(256, ReplayMapper.threadsFor(8, 2048));
    assertEquals(1024, ReplayMapper.threadsFor(2, 2048));
    assertEquals(1024, ReplayMapper.threadsFor(1, 2048)); // a block holds at most 1024 threads
    assertEquals(64, ReplayMapper.threadsFor(32, 2048));
    assertEquals(672, ReplayMapper.threadsFor(3, 2048));
  }

  @Test void computeKernelBecomesFmaWithTheBlockTime() {
    Kernel k = new Kernel("conv", 2112, 256, 32, 0, new WorkProfile(50, 0, 1));
    LibraryLaunch l = MAPPER.map(k);
    assertEquals(LibKernel.FMA, l.kernel());
    assertEquals(8, l.blocksPerSm());
    assertEquals(256, l.threadsPerBlock());
    // 50 us = 1.2 + I * 2048 * 0.033 / 1000  ->  I = 722
    assertEquals(722, l.iters());
    assertEquals(50, COSTS.blockUs(l.iters(), 2048, 256), 0.05);
  }

  @Test void residencyOfTheModeledKernelIsKept() {
    // 64 registers x 256 threads: 4 blocks per SM on the H100
    Kernel k = new Kernel("gemm", 1000, 256, 64, 0, new WorkProfile(60, 0, 1));
    LibraryLaunch l = MAPPER.map(k);
    assertEquals(4, l.blocksPerSm());
    assertEquals(512, l.threadsPerBlock());
  }

  @Test void bigBlocksCostTheirMeasuredFactor() {
    Kernel k = new Kernel("wide", 1320, 1024, 32, 0, new WorkProfile(150, 0, 1));
    LibraryLaunch l = MAPPER.map(k);
    assertEquals(1024, l.threadsPerBlock());
    assertEquals(1.05, COSTS.shapeFactor(1024), 1e-12);
    assertEquals(1.025, COSTS.shapeFactor(512), 1e-12); // halfway in log2(threads)
    assertEquals(150, COSTS.blockUs(l.iters(), 2048, 1024), 0.05);
  }

  @Test void memoryBoundKernelStreamsItsBytes() {
    // 8 blocks x 64 KiB per SM take 107 us to copy even without contention: far above the 1 us block.
    Kernel k = new Kernel("copy", 8448, 256, 16, 0, new WorkProfile(1.0, 65536, 0.1));
    LibraryLaunch l = MAPPER.map(k);
    assertEquals(LibKernel.STREAM, l.kernel());
    assertEquals(2048, l.elems());
    assertEquals(65536, l.blockDramBytes());
  }

  @Test void computeHeavyKernelWithTrafficIsMixedWithItsUncontendedBlockTime() {
    Kernel k = new Kernel("conv", 8448, 256, 32, 0, new WorkProfile(100, 16384, 0.8));
    LibraryLaunch l = MAPPER.map(k);
    assertEquals(LibKernel.MIXED, l.kernel());
    assertEquals(512, l.elems());
    ReplayCosts.MixedPoint p = COSTS.mixedAt(8 * 512);
    double copyUs = p.memoryUs(); // the measured uncontended copy of 8 blocks x 512 float4
    double computeUs = p.computeUs0() + l.iters() * p.usPerIter();
    assertEquals(100, COSTS.overlap(copyUs, computeUs), 0.1);
  }

  @Test void mixedCostsInterpolateAndExtrapolate() {
    assertEquals(25 + 175 * 0.5, COSTS.mixedAt(2048 + 15360).memoryUs(), 1e-9);
    assertEquals(400, COSTS.mixedAt(65536).memoryUs(), 1e-9); // bandwidth-bound: in proportion
    ReplayCosts.MixedPoint zero = COSTS.mixedAt(0);
    assertEquals(0, zero.memoryUs(), 1e-12);
    assertEquals(2048 * 0.033 / 1000, zero.usPerIter(), 1e-12); // blends into pure FMA
    assertEquals(0, COSTS.mixedItersFor(20, 25, 2048, 256)); // the copy alone takes longer
    assertEquals(Math.pow(2, 0.25) * 10, COSTS.overlap(10, 10), 1e-9); // p = 4: equal parts overlap badly
    assertEquals(100, COSTS.overlap(100, 1), 1e-6);
  }

  @Test void computeScaleStretchesBlocksOnSlowerGpus() {
    Kernel k = new Kernel("conv", 2112, 256, 32, 0, new WorkProfile(50, 0, 1));
    LibraryLaunch onA100 = new ReplayMapper(GpuSpec.A100_40GB, COSTS).map(k);
    double expectedUs = 50 * GpuSpec.A100_40GB.computeScale();
    assertEquals(expectedUs, COSTS.blockUs(onA100.iters(), 2048, 256), 0.05);
  }

  @Property(tries = 300)
  void anyKernelMapsToALaunchableShapeWithItsBlockTime(@ForAll @IntRange(min = 32, max = 1024) int threads,
      @ForAll @IntRange(min = 0, max = 255) int regs, @ForAll @DoubleRange(min = 2, max = 5000) double blockUs,
      @ForAll @DoubleRange(min = 0, max = 4e6) double bytes) {
    Assume.that(regs * ((threads + 31) / 32 * 32) <= 65536); // the modeled kernel fits on an SM
    Kernel k = new Kernel("k", 1000, threads, regs, 0, new WorkProfile(blockUs, bytes, 0.5));
    LibraryLaunch l = MAPPER.map(k);
    int onSm = l.blocksPerSm() * l.threadsPerBlock();
    assertTrue(onSm <= 2048, "threads per SM " + onSm);
    assertEquals(0, l.threadsPerBlock() % 32);
    assertEquals(Math.min(32, k.blocksPerSm(H100)), l.blocksPerSm());
    assertEquals(Math.round(bytes / 32), l.elems());
    if (l.elems() == 0) {
      double oneIterUs = onSm * COSTS.fmaNsPerThreadIter() * COSTS.shapeFactor(l.threadsPerBlock()) / 1000;
      if (l.iters() > 0) assertEquals(blockUs, COSTS.blockUs(l.iters(), onSm, l.threadsPerBlock()), oneIterUs / 2 + 1e-9);
      else assertTrue(blockUs <= COSTS.blockOverheadUs() + oneIterUs);
    } else {
      // overlapped with a copy at the per-SM cap, the block takes its uncontended time, unless the copy alone is longer
      double elemsPerSm = Math.min(k.blocks(), k.waveSize(H100, 66)) / 132.0 * l.elems();
      ReplayCosts.MixedPoint p = COSTS.mixedAt(elemsPerSm);
      double copyUs = p.memoryUs();
      double got = COSTS.overlap(copyUs, p.computeUs0() + l.iters() * p.usPerIter() * COSTS.shapeFactor(l.threadsPerBlock()));
      double perIter = p.usPerIter() * COSTS.shapeFactor(l.threadsPerBlock());
      if (l.iters() == 0) assertTrue(blockUs <= Math.max(copyUs, COSTS.overlap(copyUs, p.computeUs0())) + perIter);
      else assertEquals(blockUs, got, perIter + 1e-6 * blockUs);
    }
  }

  static final ReplayCosts FILLED = COSTS.withFill(List.of(
      new ReplayCosts.FillPoint(256, 0.125, 12, 0.2), new ReplayCosts.FillPoint(256, 0.5, 14, 0.6),
      new ReplayCosts.FillPoint(256, 1, 15, 1.2), new ReplayCosts.FillPoint(256, 4, 20, 4.2),
      new ReplayCosts.FillPoint(1024, 0.5, 10, 0.5), new ReplayCosts.FillPoint(1024, 1, 11, 1.0)));

  @Test void withoutFillDataAtomsReplayAsTheirKernel() {
    LibraryLaunch full = MAPPER.map(new Kernel("conv", 2112, 256, 32, 0, new WorkProfile(50, 0, 1)));
    assertEquals(full, MAPPER.mapAtom(full, 100, 3, 60));
    assertTrue(Double.isNaN(COSTS.atomBlockUs(256, 1, 60)));
  }

  @Test void effectiveWavesCountTheBusiestSm() {
    assertEquals(2.5, ReplayCosts.effectiveWaves(660, 66, 4), 1e-12);
    assertEquals(0.25, ReplayCosts.effectiveWaves(132, 66, 8), 1e-12); // 2 blocks on every SM
    assertEquals(0.375, ReplayCosts.effectiveWaves(133, 66, 8), 1e-12); // one SM holds 3
    assertEquals(0.125, ReplayCosts.effectiveWaves(1, 66, 8), 1e-12);   // a lone block: 1 of 8 slots
  }

  @Test void fillCurveInterpolatesAndExtends() {
    ReplayCosts.FillPoint p = FILLED.fillAt(256, 0.75);
    assertEquals(14.5, p.fixedUs(), 1e-12);
    assertEquals(0.9, p.spanWaves(), 1e-12);
    assertEquals(0.1, FILLED.fillAt(256, 0.0625).spanWaves(), 1e-12); // below the first point: in proportion
    assertEquals(12, FILLED.fillAt(256, 0.0625).fixedUs(), 1e-12);
    assertEquals(8.2, FILLED.fillAt(256, 8).spanWaves(), 1e-12);     // beyond the last: one block time per wave
    assertEquals(1.0, FILLED.fillAt(768, 1).spanWaves(), 1e-12);     // nearest block size in log2
    assertEquals(1.2, FILLED.fillAt(300, 1).spanWaves(), 1e-12);
    // 40 us at half a wave: (40 - 14) / 0.6
    assertEquals(26 / 0.6, FILLED.atomBlockUs(256, 0.5, 40), 1e-12);
    assertEquals(COSTS.blockOverheadUs(), FILLED.atomBlockUs(256, 0.5, 5), 1e-12); // shorter than the fixed part
  }

  /** An atom sized by the fill curve takes, by that curve, its modeled time on any mask. */
  @Property(tries = 200)
  void atomsTakeTheirModeledTimeByTheFillCurve(@ForAll @IntRange(min = 1, max = 20000) int blocks,
                                               @ForAll @IntRange(min = 1, max = 66) int tpcs) {
    ReplayMapper m = new ReplayMapper(H100, FILLED);
    Kernel k = new Kernel("conv", 2112, 256, 32, 0, new WorkProfile(50, 0, 1));
    LibraryLaunch full = m.map(k);
    double modeled = m.modeledAtomUs(k, blocks, tpcs);
    LibraryLaunch atom = m.mapAtom(full, blocks, tpcs, modeled);
    double waves = ReplayCosts.effectiveWaves(blocks, tpcs * 2, full.blocksPerSm());
    ReplayCosts.FillPoint p = FILLED.fillAt(256, waves);
    double predicted = p.fixedUs() + p.spanWaves() * FILLED.blockUs(atom.iters(), 2048, 256);
    double perIterUs = 2048 * FILLED.fmaNsPerThreadIter() / 1000.0;
    assertEquals(modeled, predicted, p.spanWaves() * perIterUs); // iterations are whole numbers
    assertEquals(full.threadsPerBlock(), atom.threadsPerBlock());
    assertEquals(full.blocksPerSm(), atom.blocksPerSm());
    assertEquals(H100.launchOverheadUs() + Math.ceil(blocks / (tpcs * 16.0)) * 50, modeled, 1e-9);
  }

  @Test void onlyFmaAtomsAreResized() {
    ReplayMapper m = new ReplayMapper(H100, FILLED);
    LibraryLaunch s = LibraryLaunch.stream(256, 8, 4096), x = LibraryLaunch.mixed(256, 8, 300, 1024);
    assertEquals(s, m.mapAtom(s, 10, 4, 100));
    assertEquals(x, m.mapAtom(x, 10, 4, 100));
    assertTrue(m.mapAtom(LibraryLaunch.fma(256, 8, 300), 10, 4, 100).iters() != 300);
  }

  @Test void badFillPointIsRefused() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> COSTS.withFill(List.of(new ReplayCosts.FillPoint(256, 0, 5, 1))));
  }
}
