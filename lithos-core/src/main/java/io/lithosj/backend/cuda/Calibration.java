package io.lithosj.backend.cuda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lithosj.gpu.GpuSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code lithos calibrate} measured on one GPU ({@code calibration/<gpu>/calibration.json};
 * the CSVs next to it hold the raw points). The modeled GPU takes its bandwidth, launch overhead
 * and power envelope from here ({@link #calibrated}); trace replay takes its per-unit costs.
 *
 * @param memBandwidthGBps     streaming copy over all TPCs (read + write bytes per second)
 * @param perTpcBandwidthGBps  the same kernel on one TPC: how far one TPC alone can pull
 * @param smBandwidthGBps      per-SM cap of the modeled GPU, fitted to the streaming kernel on 1..all TPCs
 * @param launchOverheadUs     median host launch call to first block start, GPU idle
 * @param launchApiUs          host time of one launch call (atom kernel, through JCuda)
 * @param completionSeenUs     launch call to completion seen by the host, minus launch call to first
 *                             block (one 1-block atom, GPU idle): the completion path's delay
 * @param atomOverheadUs       extra time per atom when a kernel is cut into atoms run back to back
 * @param atomFixedUs          what one atom kernel takes beyond its waves when run alone (launch call,
 *                             first blocks, drain), event-timed
 */
public record Calibration(
    String gpuId, String gpuName, String driverVersion, String cudaDriverApi, String date,
    int smCount, int tpcCount, double gridFactor,
    double memBandwidthGBps, double perTpcBandwidthGBps, double smBandwidthGBps,
    double launchOverheadUs, double launchApiUs, double completionSeenUs, double atomOverheadUs, double atomFixedUs, double clockSyncUncertaintyUs,
    Power power, ReplayCosts replay, List<KernelFit> kernels, List<String> notes) {

  public static final String FILE = "calibration.json";

  /**
   * Board power against load (NVML energy counter). {@code idleW}: nothing running, clocks still up
   * between kernels (what a shared GPU idles at); {@code idleBeforeWorkW}: before any work, at
   * idle clocks. {@code tpcShare} and {@code dramShare} split
   * {@code maxW - idleW} as {@link GpuSpec.PowerModel} does: FMA on all TPCs draws
   * {@code idleW + tpcShare (maxW - idleW)}; {@code maxW} is the highest draw measured.
   */
  public record Power(double idleW, double idleBeforeWorkW, double maxW, double tpcShare, double dramShare, double wattsPerTpc,
                      double powerLimitW, double smClockUnderLoadMhz, boolean measured) {}

  /** One library kernel's latency on n TPCs, fitted to m/n + b (ms). */
  public record KernelFit(String kernel, String config, int[] tpcs, double[] latencyMs,
                          double m, double b, double maxRelErr, double rmsRelErr, double twoPointMaxRelErr) {}

  /** For writing; reading is {@link CalibrationReader}'s. */
  static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** {@code dir/calibration.json}, read strictly and checked ({@link CalibrationReader}); errors name the field. */
  public static Calibration load(Path dir) {
    return CalibrationReader.read(dir);
  }

  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      json().writeValue(dir.resolve(FILE).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + dir.resolve(FILE), e);
    }
  }

  /**
   * {@code base} with this GPU's measured bandwidth (total and per SM), launch overhead and, if
   * measured, power envelope (the clock exponent stays: clocks are never changed to measure it).
   */
  public GpuSpec apply(GpuSpec base) {
    if (tpcCount != base.tpcCount()) {
      throw new IllegalArgumentException("calibration of " + gpuName + " (" + tpcCount + " TPCs) does not fit GPU "
          + base.id() + " (" + base.tpcCount() + " TPCs)");
    }
    GpuSpec s = base.withMemBandwidthGBps(memBandwidthGBps).withLaunchOverheadUs(launchOverheadUs)
        .withSmBandwidthGBps(smBandwidthGBps > 0 ? smBandwidthGBps : perTpcBandwidthGBps / base.smsPerTpc());
    if (power != null && power.measured()) {
      s = s.withPower(new GpuSpec.PowerModel(power.idleW(), power.maxW(), power.tpcShare(), power.dramShare(),
          base.power().clockExponent()));
    }
    return s;
  }

  /** {@code base} calibrated from {@code dir/calibration.json}. */
  public static GpuSpec calibrated(GpuSpec base, Path calibrationDir) {
    return load(calibrationDir).apply(base);
  }

  /** This calibration with other replay costs and notes (a partial re-calibration). */
  public Calibration withReplay(ReplayCosts r, List<String> newNotes) {
    return new Calibration(gpuId, gpuName, driverVersion, cudaDriverApi, date, smCount, tpcCount, gridFactor, memBandwidthGBps,
        perTpcBandwidthGBps, smBandwidthGBps, launchOverheadUs, launchApiUs, completionSeenUs, atomOverheadUs, atomFixedUs,
        clockSyncUncertaintyUs, power, r, kernels, newNotes);
  }

  /** Replay costs, falling back to the datasheet estimate when a file predates them. */
  public ReplayCosts replayCostsOr(GpuSpec gpu) {
    return replay != null ? replay : ReplayCosts.nominal(gpu);
  }
}
