package io.lithosj.os.lithos;

import static io.lithosj.os.lithos.Fixtures.H100;
import static io.lithosj.os.lithos.Fixtures.compute;
import static io.lithosj.os.lithos.Fixtures.streaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.kernel.Kernel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RightSizerTest {
  @Test
  void twoPointFitRecoversTheLine() {
    RightSizer.Fit f = RightSizer.Fit.through(9170, 153, 66); // the FMA kernel measured on the H100
    assertEquals(9170, f.latencyUs(1), 1e-9);
    assertEquals(153, f.latencyUs(66), 1e-9);
    assertEquals(f.mUs() / 8 + f.bUs(), f.latencyUs(8), 1e-9);
  }

  @Test
  void fewestTpcsWithinTheSlip() {
    RightSizer r = new RightSizer(66, 0.04);
    // perfectly scaling: latency = 660/n → need 660/n <= 1.04 * 10 → n >= 63.46
    assertEquals(64, r.tpcsFor(new RightSizer.Fit(660, 0)));
    // mostly fixed cost: 100/n + 50 <= 1.04 * (100/66 + 50) = 53.58 → n >= 27.96
    assertEquals(28, r.tpcsFor(new RightSizer.Fit(100, 50)));
    assertEquals(1, r.tpcsFor(new RightSizer.Fit(0, 50)), "no scaling: one TPC");
    assertEquals(66, new RightSizer(66, 0).tpcsFor(new RightSizer.Fit(660, 0)), "no slip: all TPCs");
  }

  @Test
  void waveQuantizationRaisesTheFittedCount() {
    // 132 blocks of 1024 threads x 64 regs: one block per SM, so one wave on 66 TPCs but two on 64
    Kernel k = new Kernel("fc", 132, 1024, 64, 0, new io.lithosj.kernel.WorkProfile(30, 0, 0.9));
    RightSizer r = new RightSizer(66, 0.04);
    assertEquals(64, r.tpcsFor(RightSizer.Fit.through(k.idealLatencyUs(H100, 1), k.idealLatencyUs(H100, 66), 66)));
    assertEquals(66, r.rightSize(n -> k.idealLatencyUs(H100, n)));
  }

  @Test
  void memoryBoundKernelsNeedFewTpcs() {
    Kernel copy = streaming("copy", 8448, 20, 1 << 20);
    RightSizer r = new RightSizer(66, 0.04);
    int searched = r.search(x -> copy.idealLatencyUs(H100, x));
    assertTrue(searched < 30, "saturates DRAM near 26 TPCs: " + searched);
    assertTrue(copy.idealLatencyUs(H100, searched) <= 1.04 * copy.idealLatencyUs(H100, 66) * (1 + 1e-9));
    assertTrue(copy.idealLatencyUs(H100, searched - 1) > 1.04 * copy.idealLatencyUs(H100, 66), "fewest");
    int fitted = r.rightSize(x -> copy.idealLatencyUs(H100, x));
    assertTrue(fitted > searched, "the line through n=1 and n=66 cannot bend at the knee: " + fitted);
    assertEquals(66, r.rightSize(x -> Double.NaN), "unknown: all");
    assertEquals(66, r.search(x -> Double.NaN), "unknown: all");
  }

  @Property(tries = 300)
  void answerMeetsTheSlipAndIsNeverWorseThanTheFit(@ForAll @IntRange(min = 1, max = 100_000) int blocks,
                                                   @ForAll @DoubleRange(min = 1, max = 500) double blockUs,
                                                   @ForAll @DoubleRange(min = 0, max = 4e6) double bytes,
                                                   @ForAll @DoubleRange(min = 0, max = 0.5) double slip) {
    Kernel k = new Kernel("k", blocks, 256, 32, 0, new io.lithosj.kernel.WorkProfile(blockUs, bytes, 0.5));
    RightSizer r = new RightSizer(66, slip);
    int n = r.rightSize(x -> k.idealLatencyUs(H100, x));
    assertTrue(n >= 1 && n <= 66);
    assertTrue(k.idealLatencyUs(H100, n) <= (1 + slip) * k.idealLatencyUs(H100, 66) * (1 + 1e-9),
        "n=" + n + " misses the slip");
    int fitted = r.tpcsFor(RightSizer.Fit.through(k.idealLatencyUs(H100, 1), k.idealLatencyUs(H100, 66), 66));
    assertTrue(n >= fitted);
    int searched = r.search(x -> k.idealLatencyUs(H100, x));
    assertTrue(searched <= n && k.idealLatencyUs(H100, searched) <= (1 + slip) * k.idealLatencyUs(H100, 66) * (1 + 1e-9));
  }
}
