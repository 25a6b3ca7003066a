package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.GpuSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
  static Calibration sample(int tpcs) {
    return new Calibration("h100-sxm", "NVIDIA H100 80GB HBM3", "580.65", "13.0", "2025-01-01T00:00:00Z", tpcs * 2, tpcs, 1.0,
        2900, 160, 60, 4.5, 3.1, 9.5, 6.0, 30.0, 1.5,
        new Calibration.Power(70, 65, 650, 0.8, 0.2, 6.5, 700, 1980, true),
        new ReplayCosts(0.033, 1.2, 2048, 6, List.of(new ReplayCosts.ShapeFactor(1024, 1.04)),
            List.of(new ReplayCosts.MixedPoint(2048, 25, 2, 0.07)))
            .withFill(List.of(new ReplayCosts.FillPoint(256, 0.5, 12, 0.6), new ReplayCosts.FillPoint(256, 2, 14, 2.5))),
        List.of(new Calibration.KernelFit("fma", "cfg", new int[] {1, 66}, new double[] {9.2, 0.15}, 9.05, 0.013, 0.0, 0.0, 0.0)),
        List.of("note"));
  }

  @Test void roundTripsThroughJson(@TempDir Path dir) {
    Calibration c = sample(66);
    c.write(dir);
    Calibration back = Calibration.load(dir);
    assertEquals(c.memBandwidthGBps(), back.memBandwidthGBps());
    assertEquals(c.replay(), back.replay());
    assertEquals(c.power(), back.power());
    assertEquals(9.2, back.kernels().get(0).latencyMs()[0]);
  }

  @Test void calibratedSpecTakesTheMeasuredParameters(@TempDir Path dir) {
    sample(66).write(dir);
    GpuSpec s = Calibration.calibrated(GpuSpec.H100_SXM, dir);
    assertEquals(2900, s.memBandwidthGBps());
    assertEquals(60, s.smBandwidthGBps()); // the fitted cap, not 160 GB/s per TPC over 2 SMs
    assertEquals(4.5, s.launchOverheadUs());
    assertEquals(70, s.power().idleW());
    assertEquals(650, s.power().maxW());
    assertEquals(0.8, s.power().tpcShare());
    assertEquals(GpuSpec.H100_SXM.power().clockExponent(), s.power().clockExponent());
    assertEquals(GpuSpec.H100_SXM.tpcCount(), s.tpcCount());
  }

  @Test void refusesAnotherGpusCalibration(@TempDir Path dir) {
    sample(66).write(dir);
    var e = assertThrows(IllegalArgumentException.class, () -> Calibration.calibrated(GpuSpec.A100_40GB, dir));
    assertTrue(e.getMessage().contains("a100-40gb"), e.getMessage());
  }

  @Test void missingFileIsNamed(@TempDir Path dir) {
    var e = assertThrows(IllegalArgumentException.class, () -> Calibration.load(dir.resolve("nothing")));
    assertTrue(e.getMessage().contains("calibration.json"), e.getMessage());
  }

  /** The committed H100 measurements: complete, plausible, and meeting what they are meant to show. */
  @Test void committedH100CalibrationHoldsUp() throws Exception {
    Path dir = Path.of("..", "calibration", "h100-sxm");
    Calibration c = Calibration.load(dir);
    assertEquals(66, c.tpcCount());
    assertTrue(c.memBandwidthGBps() > 1500 && c.memBandwidthGBps() < 4000, "bandwidth " + c.memBandwidthGBps());
    assertTrue(c.smBandwidthGBps() > 10 && c.smBandwidthGBps() < c.perTpcBandwidthGBps(), "per-SM cap " + c.smBandwidthGBps());
    assertTrue(c.launchOverheadUs() > 0 && c.launchOverheadUs() < 100, "launch " + c.launchOverheadUs());
    assertTrue(c.power().measured() && c.power().idleW() < c.power().maxW() && c.power().maxW() <= c.power().powerLimitW());
    Calibration.KernelFit fma = c.kernels().stream().filter(k -> k.kernel().equals("fma")).findFirst().orElseThrow();
    assertTrue(fma.maxRelErr() < 0.10, "FMA kernel should follow m/n + b, max error " + fma.maxRelErr());
    // every replayed kernel's full-GPU duration within 10% of the model (with the atom's fixed cost)
    List<String> rows = java.nio.file.Files.readAllLines(dir.resolve("replay_check.csv"));
    List<String> header = List.of(rows.get(0).split(","));
    int tpcs = header.indexOf("tpcs"), err = header.indexOf("errWithAtomCostPct");
    long full = rows.stream().skip(1).map(r -> r.split(",")).filter(r -> r[tpcs].equals("66"))
        .peek(r -> assertTrue(Math.abs(Double.parseDouble(r[err])) < 10, r[0] + " off by " + r[err] + "%")).count();
    assertTrue(full >= 5, "replay check rows on all TPCs: " + full);
    // gpu-smoke: every check passed on the H100
    List<String> smoke = java.nio.file.Files.readAllLines(dir.resolve("gpu_smoke.csv"));
    assertTrue(smoke.size() > 8);
    smoke.stream().skip(1).forEach(r -> assertTrue(r.contains(",true,"), "gpu-smoke check failed: " + r));
    assertTrue(java.nio.file.Files.readString(dir.resolve("atom_overhead.csv")).contains("usPerAtomVsPlain1"));
  }

  @Test void nominalCostsFollowTheClock() {
    ReplayCosts c = ReplayCosts.nominal(GpuSpec.H100_SXM);
    // 16 thread-iterations per cycle at 1980 MHz
    assertEquals(1000.0 / (16 * 1980), c.fmaNsPerThreadIter(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new ReplayCosts(0, 1, 2048, 4, List.of(), List.of()));
    // the nominal copy cost follows the spec's bandwidth: 8192 float4 x 32 B x 132 SMs at the
    // fixture's 2750 GB/s, and half that at twice the bandwidth
    GpuSpec at2750 = GpuSpec.H100_SXM.withMemBandwidthGBps(2750.0);
    assertEquals(8192 * 32 * 132 / 2750e3, ReplayCosts.nominal(at2750).mixedAt(8192).memoryUs(), 1e-9);
    assertEquals(8192 * 32 * 132 / 5500e3, ReplayCosts.nominal(at2750.withMemBandwidthGBps(5500.0)).mixedAt(8192).memoryUs(), 1e-9);
  }
}
