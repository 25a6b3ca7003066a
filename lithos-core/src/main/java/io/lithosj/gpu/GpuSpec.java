package io.lithosj.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Topology and limits of one GPU model. TPCs are numbered GPC by GPC, so a GPC is a contiguous
 * TPC range (which is what MIG partitions are made of). SM {@code s} belongs to TPC {@code s / smsPerTpc}.
 *
 * @param id                short id used in scenario files ({@code h100-sxm}, {@code h200}, {@code a100-40gb})
 * @param tpcsPerGpc        TPCs in each enabled GPC, in TPC-number order
 * @param memBandwidthGBps  achievable DRAM bandwidth (measured streaming copy, not the datasheet peak)
 * @param smBandwidthGBps   DRAM bandwidth one SM can draw at most (its outstanding loads bound it),
 *                          which is why a streaming kernel needs many TPCs to saturate DRAM
 * @param launchOverheadUs  time from a launch call until the first block can start
 * @param computeScale      how long a block's compute takes here relative to the H100's processor,
 *                          where the model traces were measured (1 on the H100 and the H200)
 */
public record GpuSpec(
    String id,
    String name,
    int[] tpcsPerGpc,
    int smsPerTpc,
    SmLimits smLimits,
    double memBandwidthGBps,
    double smBandwidthGBps,
    ClockRange clocks,
    PowerModel power,
    double launchOverheadUs,
    double computeScale,
    List<MigProfile> migProfiles) {

  public GpuSpec {
    tpcsPerGpc = tpcsPerGpc.clone();
    migProfiles = List.copyOf(migProfiles);
    if (Arrays.stream(tpcsPerGpc).sum() > TpcSet.MAX_TPCS) throw new IllegalArgumentException("too many TPCs");
  }

  /** A plain loop, not a stream: the simulator and policies ask per event (issue 19). */
  public int tpcCount() {
    int n = 0;
    for (int t : tpcsPerGpc) n += t;
    return n;
  }
  public int smCount() { return tpcCount() * smsPerTpc; }
  public int gpcCount() { return tpcsPerGpc.length; }
  public TpcSet allTpcs() { return TpcSet.range(0, tpcCount()); }

  /** The TPCs of GPC {@code g}. */
  public TpcSet gpc(int g) {
    int start = 0;
    for (int i = 0; i < g; i++) start += tpcsPerGpc[i];
    return TpcSet.range(start, start + tpcsPerGpc[g]);
  }

  public int gpcOfTpc(int tpc) {
    int start = 0;
    for (int g = 0; g < tpcsPerGpc.length; g++) {
      start += tpcsPerGpc[g];
      if (tpc < start) return g;
    }
    throw new IllegalArgumentException("TPC " + tpc + " not on " + id);
  }

  public MigProfile migProfile(String profileName) {
    return migProfiles.stream().filter(p -> p.name().equals(profileName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no MIG profile '" + profileName + "' on " + id
            + " (known: " + migProfiles.stream().map(MigProfile::name).toList() + ")"));
  }

  /** Per-SM resource limits that decide how many blocks of a kernel fit on one SM. */
  public record SmLimits(int maxThreads, int maxBlocks, int registers, int sharedMemBytes) {
    /**
     * The most shared memory one block may use: the SM's, less the 1 KiB CUDA reserves per block
     * on compute capability 8.0 and later (227 KiB on the H100/H200, 163 KiB on the A100).
     */
    public int sharedMemPerBlockBytes() { return sharedMemBytes - 1024; }
  }

  /** Supported SM clocks: {@code minMhz..maxMhz} in {@code stepMhz} steps. */
  public record ClockRange(int minMhz, int maxMhz, int stepMhz) {
    public int[] supportedMhz() {
      int n = (maxMhz - minMhz) / stepMhz + 1;
      int[] r = new int[n];
      for (int i = 0; i < n; i++) r[i] = maxMhz - i * stepMhz;
      return r; // highest first
    }
    public int clamp(int mhz) {
      int c = Math.max(minMhz, Math.min(maxMhz, mhz));
      return maxMhz - ((maxMhz - c) / stepMhz) * stepMhz;
    }
  }

  /**
   * Board power: {@code idleW + (maxW - idleW) * (tpcShare * busyTpcFraction * (f/fmax)^clockExponent
   * + dramShare * dramUtilization)}. The TPC term follows dynamic power ~ f·V² with V rising with f;
   * the exponent is a literature value (DVFS studies of Volta-Hopper report 2-3) since clocks are
   * never changed on the shared host; the idle and max points are measured (calibration/).
   */
  public record PowerModel(double idleW, double maxW, double tpcShare, double dramShare, double clockExponent) {
    public double watts(double busyTpcFraction, double clockRatio, double dramUtilization) {
      return wattsAtClockFactor(busyTpcFraction, clockFactor(clockRatio), dramUtilization);
    }

    /** {@code (f/fmax)^clockExponent}, for callers that keep it while the clock stays. */
    public double clockFactor(double clockRatio) { return Math.pow(clockRatio, clockExponent); }

    /** {@link #watts} with the clock term {@link #clockFactor} already computed. */
    public double wattsAtClockFactor(double busyTpcFraction, double clockFactor, double dramUtilization) {
      double dyn = tpcShare * busyTpcFraction * clockFactor + dramShare * dramUtilization;
      return idleW + (maxW - idleW) * Math.min(1.0, dyn);
    }
  }

  /**
   * A MIG GPU-instance profile: {@code tpcs} TPCs and {@code memSlices} of the GPU's eighths of
   * memory (and bandwidth). {@code name} as nvidia-smi prints it, e.g. {@code 3g.40gb}.
   */
  public record MigProfile(String name, int computeSlices, int tpcs, int memSlices) {
    public double bandwidthShare() { return memSlices / 8.0; }
  }

  /**
   * H100 SXM5 80GB: 8 GPCs, 66 TPCs, 132 SMs. Bandwidth, per-SM bandwidth, launch overhead and
   * power are what {@code lithos calibrate} measured on an H100 (calibration/h100-sxm/calibration.json;
   * a test keeps the two equal).
   */
  public static final GpuSpec H100_SXM = hopperSxm("h100-sxm", "NVIDIA H100 80GB HBM3 (SXM5)",
      2933.2,  // streaming kernel on all 66 TPCs
      69.5,    // best-fitting per-SM cap of the streaming kernel on 1..66 TPCs
      new PowerModel(121.55, 498.60, 0.6008, 0.3992, 2.4), // idle with a context; FMA/stream on n TPCs
      7.5465,  // launch call to first block
      "10gb", "20gb", "40gb", "80gb");

  /**
   * H200 SXM 141GB: the H100's processor (same GPC layout assumed: 8 GPCs, 66 TPCs, 132 SMs, same
   * SM limits and clocks, so computeScale 1) with HBM3e. Bandwidth, per-SM bandwidth, launch
   * overhead and power are what {@code lithos calibrate} measured on the H200
   * (calibration/h200/calibration.json; H200PresetTest keeps the two equal). MIG profiles: the
   * H100's TPC counts with the H200's memory sizes.
   */
  public static final GpuSpec H200 = hopperSxm("h200", "NVIDIA H200 (SXM, 141GB HBM3e)",
      3948.8,  // streaming kernel on all 66 TPCs (1.35x the H100's)
      72.0,    // best-fitting per-SM cap of the streaming kernel on 1..66 TPCs
      new PowerModel(124.77, 498.74, 0.6581, 0.3419, 2.4), // idle with a context; FMA/stream on n TPCs
      7.868,   // launch call to first block
      "18gb", "35gb", "71gb", "141gb");

  /**
   * The GH100 processor of the H100 and H200 SXM parts: 8 GPCs (66 TPCs), Hopper SM limits, its
   * clock range and MIG layout (TPCs and memory slices per profile); what differs is the memory
   * and what {@code lithos calibrate} measured. {@code mem1}..{@code mem8}: the memory of a profile
   * with 1, 2, 4 and 8 memory slices, as the profile names give it.
   */
  private static GpuSpec hopperSxm(String id, String name, double memBandwidthGBps, double smBandwidthGBps, PowerModel power,
                                   double launchOverheadUs, String mem1, String mem2, String mem4, String mem8) {
    return new GpuSpec(id, name,
        new int[] {9, 9, 8, 8, 8, 8, 8, 8}, 2,
        new SmLimits(2048, 32, 65536, 228 * 1024),
        memBandwidthGBps, smBandwidthGBps,
        new ClockRange(345, 1980, 15),
        power, launchOverheadUs,
        1.0,
        List.of(
            new MigProfile("1g." + mem1, 1, 8, 1),
            new MigProfile("1g." + mem2, 1, 8, 2),
            new MigProfile("2g." + mem2, 2, 16, 2),
            new MigProfile("3g." + mem4, 3, 30, 4),
            new MigProfile("4g." + mem4, 4, 32, 4),
            new MigProfile("7g." + mem8, 7, 66, 8)));
  }

  /** A100 SXM4 40GB: 7 GPCs enabled, 54 TPCs, 108 SMs. */
  public static final GpuSpec A100_40GB = new GpuSpec(
      "a100-40gb", "NVIDIA A100-SXM4-40GB",
      new int[] {8, 8, 8, 8, 8, 7, 7}, 2,
      new SmLimits(2048, 32, 65536, 164 * 1024),
      1400.0, // ~90% of the 1555 GB/s datasheet figure, as streaming copies reach
      28.0,   // assumed: saturation near half the SMs, as on the H100 (not measured)
      new ClockRange(210, 1410, 15),
      new PowerModel(55.0, 400.0, 0.78, 0.22, 2.4),
      5.0,
      // Not measured: per-SM peak throughput per clock is ~1.9x lower than the H100's (dense FP16
      // tensor 312 vs 989 TFLOP/s, FP32 19.5 vs 67, over 108 vs 132 SMs), times the clock ratio 1980/1410.
      2.6,
      List.of(
          new MigProfile("1g.5gb", 1, 7, 1),
          new MigProfile("1g.10gb", 1, 7, 2),
          new MigProfile("2g.10gb", 2, 14, 2),
          new MigProfile("3g.20gb", 3, 21, 4),
          new MigProfile("4g.20gb", 4, 28, 4),
          new MigProfile("7g.40gb", 7, 49, 8)));

  public static final List<GpuSpec> PRESETS = List.of(H100_SXM, H200, A100_40GB);

  public static GpuSpec byId(String id) {
    String key = id.toLowerCase(Locale.ROOT);
    return PRESETS.stream().filter(g -> g.id.equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown GPU '" + id + "' (known: "
            + PRESETS.stream().map(GpuSpec::id).toList() + ")"));
  }

  /**
   * The preset whose model number ({@code H100}, {@code H200}, {@code A100}: the first four
   * characters of its id) is in a device name as CUDA reports it ("NVIDIA H200",
   * "NVIDIA H100 80GB HBM3"); null if none is.
   */
  public static GpuSpec presetForDeviceName(String deviceName) {
    String n = deviceName.toUpperCase(Locale.ROOT);
    for (GpuSpec p : PRESETS) {
      if (n.contains(p.id.substring(0, Math.min(4, p.id.length())).toUpperCase(Locale.ROOT))) return p;
    }
    return null;
  }

  public GpuSpec withMemBandwidthGBps(double gbps) {
    return new GpuSpec(id, name, tpcsPerGpc, smsPerTpc, smLimits, gbps, smBandwidthGBps, clocks, power, launchOverheadUs, computeScale, migProfiles);
  }

  public GpuSpec withSmBandwidthGBps(double gbps) {
    return new GpuSpec(id, name, tpcsPerGpc, smsPerTpc, smLimits, memBandwidthGBps, gbps, clocks, power, launchOverheadUs, computeScale, migProfiles);
  }

  public GpuSpec withLaunchOverheadUs(double us) {
    return new GpuSpec(id, name, tpcsPerGpc, smsPerTpc, smLimits, memBandwidthGBps, smBandwidthGBps, clocks, power, us, computeScale, migProfiles);
  }

  public GpuSpec withPower(PowerModel p) {
    return new GpuSpec(id, name, tpcsPerGpc, smsPerTpc, smLimits, memBandwidthGBps, smBandwidthGBps, clocks, p, launchOverheadUs, computeScale, migProfiles);
  }

  @Override public boolean equals(Object o) {
    return o instanceof GpuSpec g && g.id.equals(id) && Arrays.equals(g.tpcsPerGpc, tpcsPerGpc)
        && g.memBandwidthGBps == memBandwidthGBps && g.smBandwidthGBps == smBandwidthGBps
        && g.launchOverheadUs == launchOverheadUs && g.computeScale == computeScale && g.power.equals(power);
  }

  @Override public int hashCode() { return id.hashCode(); }

  @Override public String toString() { return id + " (" + tpcCount() + " TPCs, " + smCount() + " SMs)"; }
}
