package io.lithosj.backend.cuda;

import java.util.List;

/**
 * Ranges and consistency of a calibration, each failure naming its field. The bounds are wide
 * (any GPU of the next years fits), they refuse what no measurement can give: a negative
 * bandwidth, idle power above the maximum, shares of the power envelope outside 0..1 or not
 * adding up, more SMs per TPC than a whole number.
 */
final class CalibrationChecks {
  /** 100 TB/s: over 25x the H200's 3.9 TB/s. */
  static final double MAX_BANDWIDTH_GBPS = 100_000;
  /** One second: any launch or atom cost above it is a unit mistake (ms or ns written as µs). */
  static final double MAX_OVERHEAD_US = 1_000_000;
  static final int MAX_TPCS = 1024;
  static final double MAX_WATTS = 10_000;

  private final String source;

  private CalibrationChecks(String source) { this.source = source; }

  static void check(Calibration c, String source) {
    new CalibrationChecks(source).all(c);
  }

  private void all(Calibration c) {
    need(c.gpuId() != null && !c.gpuId().isBlank(), "gpuId", "must name the GPU model (h100-sxm, h200, ...)");
    need(c.tpcCount() >= 1 && c.tpcCount() <= MAX_TPCS, "tpcCount", "must be 1.." + MAX_TPCS + ", was " + c.tpcCount());
    need(c.smCount() >= c.tpcCount() && c.smCount() % c.tpcCount() == 0, "smCount",
        "must be a whole number of SMs per TPC (" + c.tpcCount() + " TPCs), was " + c.smCount());
    need(c.smCount() <= 2 * MAX_TPCS, "smCount", "must be at most " + 2 * MAX_TPCS + ", was " + c.smCount());
    range(c.gridFactor(), 0, 1024, "gridFactor");
    positive(c.memBandwidthGBps(), MAX_BANDWIDTH_GBPS, "memBandwidthGBps");
    positive(c.perTpcBandwidthGBps(), MAX_BANDWIDTH_GBPS, "perTpcBandwidthGBps");
    need(c.perTpcBandwidthGBps() <= c.memBandwidthGBps(), "perTpcBandwidthGBps",
        "one TPC cannot pull more than the whole GPU: " + num(c.perTpcBandwidthGBps()) + " GB/s against memBandwidthGBps " + num(c.memBandwidthGBps()));
    range(c.smBandwidthGBps(), 0, c.memBandwidthGBps(), "smBandwidthGBps"); // 0: derived from perTpcBandwidthGBps
    range(c.launchOverheadUs(), 0, MAX_OVERHEAD_US, "launchOverheadUs");
    range(c.launchApiUs(), 0, MAX_OVERHEAD_US, "launchApiUs");
    range(c.completionSeenUs(), 0, MAX_OVERHEAD_US, "completionSeenUs");
    range(c.atomOverheadUs(), 0, MAX_OVERHEAD_US, "atomOverheadUs");
    range(c.atomFixedUs(), 0, MAX_OVERHEAD_US, "atomFixedUs");
    range(c.clockSyncUncertaintyUs(), 0, MAX_OVERHEAD_US, "clockSyncUncertaintyUs");
    if (c.power() != null) power(c.power());
    if (c.replay() != null) replay(c.replay());
    List<Calibration.KernelFit> ks = c.kernels() == null ? List.of() : c.kernels();
    for (int i = 0; i < ks.size(); i++) kernel(ks.get(i), "kernels[" + i + "]", c.tpcCount());
  }

  private void power(Calibration.Power p) {
    range(p.idleW(), 0, MAX_WATTS, "power.idleW");
    range(p.idleBeforeWorkW(), 0, MAX_WATTS, "power.idleBeforeWorkW");
    range(p.maxW(), 0, MAX_WATTS, "power.maxW");
    need(p.idleW() <= p.maxW(), "power.idleW", "idle power " + num(p.idleW()) + " W above power.maxW " + num(p.maxW()) + " W");
    range(p.tpcShare(), 0, 1, "power.tpcShare");
    range(p.dramShare(), 0, 1, "power.dramShare");
    if (p.measured()) {
      // PowerModel splits maxW - idleW between TPCs and DRAM: the two shares are that split
      need(Math.abs(p.tpcShare() + p.dramShare() - 1) < 1e-6, "power.dramShare",
          "power.tpcShare + power.dramShare must be 1 for a measured envelope, was " + num(p.tpcShare()) + " + " + num(p.dramShare()));
    }
    range(p.wattsPerTpc(), 0, MAX_WATTS, "power.wattsPerTpc");
    range(p.powerLimitW(), 0, MAX_WATTS, "power.powerLimitW");
    range(p.smClockUnderLoadMhz(), 0, 10_000, "power.smClockUnderLoadMhz");
  }

  private void replay(ReplayCosts r) {
    for (int i = 0; i < r.shapes().size(); i++) {
      ReplayCosts.ShapeFactor s = r.shapes().get(i);
      String at = "replay.shapes[" + i + "]";
      need(s.threadsPerBlock() >= 1 && s.threadsPerBlock() <= 1024, at + ".threadsPerBlock", "must be 1..1024, was " + s.threadsPerBlock());
      positive(s.factor(), 100, at + ".factor");
    }
    for (int i = 0; i < r.mixed().size(); i++) {
      ReplayCosts.MixedPoint m = r.mixed().get(i);
      String at = "replay.mixed[" + i + "]";
      positive(m.elemsPerSm(), 1e12, at + ".elemsPerSm");
      range(m.memoryUs(), 0, MAX_OVERHEAD_US, at + ".memoryUs");
      range(m.computeUs0(), 0, MAX_OVERHEAD_US, at + ".computeUs0");
      range(m.usPerIter(), 0, MAX_OVERHEAD_US, at + ".usPerIter");
    }
    for (int i = 0; i < r.fill().size(); i++) {
      ReplayCosts.FillPoint f = r.fill().get(i);
      String at = "replay.fill[" + i + "]";
      need(f.threadsPerBlock() >= 1 && f.threadsPerBlock() <= 1024, at + ".threadsPerBlock", "must be 1..1024, was " + f.threadsPerBlock());
      range(f.fixedUs(), -MAX_OVERHEAD_US, MAX_OVERHEAD_US, at + ".fixedUs");
    }
  }

  private void kernel(Calibration.KernelFit k, String at, int tpcCount) {
    need(k.kernel() != null && !k.kernel().isBlank(), at + ".kernel", "must name the kernel");
    int[] tpcs = k.tpcs() == null ? new int[0] : k.tpcs();
    double[] lat = k.latencyMs() == null ? new double[0] : k.latencyMs();
    need(tpcs.length == lat.length, at + ".latencyMs", "one latency per entry of tpcs: " + tpcs.length + " tpcs, " + lat.length + " latencies");
    for (int i = 0; i < tpcs.length; i++) {
      need(tpcs[i] >= 1 && tpcs[i] <= tpcCount, at + ".tpcs[" + i + "]", "must be 1.." + tpcCount + " (tpcCount), was " + tpcs[i]);
      positive(lat[i], 1e9, at + ".latencyMs[" + i + "]");
    }
  }

  private void positive(double v, double max, String field) {
    need(v > 0 && v <= max, field, "must be > 0 and at most " + num(max) + ", was " + num(v));
  }

  private void range(double v, double min, double max, String field) {
    need(v >= min && v <= max, field, "must be " + num(min) + ".." + num(max) + ", was " + num(v));
  }

  private void need(boolean ok, String field, String message) {
    if (!ok) throw new CalibrationException(source, field, message);
  }

  /** A bound or value as written: 1 not 1.0, 3948.76 not 3.949e+03. */
  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
