package io.lithosj.backend.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * Read-only NVML (libnvidia-ml.so.1) through JNA: power, the board energy counter, clocks,
 * utilization. Nothing here sets anything on the GPU. {@link #open} fails with one sentence
 * when NVML is missing, so callers can carry on without telemetry.
 */
public final class Nvml implements AutoCloseable {
  /** The subset of the NVML C API used here (all getters). */
  interface Lib extends Library {
    int nvmlInit_v2();
    int nvmlShutdown();
    String nvmlErrorString(int result);
    int nvmlSystemGetDriverVersion(byte[] version, int length);
    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);
    int nvmlDeviceGetHandleByPciBusId_v2(String pciBusId, PointerByReference device);
    int nvmlDeviceGetName(Pointer device, byte[] name, int length);
    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);
    int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference millijoules);
    int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);
    int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference mhz);
    int nvmlDeviceGetMaxClockInfo(Pointer device, int clockType, IntByReference mhz);
    int nvmlDeviceGetUtilizationRates(Pointer device, int[] gpuAndMemoryPercent);
    int nvmlDeviceGetTemperature(Pointer device, int sensor, IntByReference celsius);
  }

  static final int CLOCK_SM = 1;
  static final int CLOCK_MEM = 2;

  private final Lib lib;
  private final Pointer device;
  public final String deviceName;
  public final String driverVersion;

  private Nvml(Lib lib, Pointer device) {
    this.lib = lib;
    this.device = device;
    byte[] b = new byte[96];
    check(lib.nvmlDeviceGetName(device, b, b.length), "nvmlDeviceGetName");
    deviceName = cString(b);
    check(lib.nvmlSystemGetDriverVersion(b, b.length), "nvmlSystemGetDriverVersion");
    driverVersion = cString(b);
  }

  /**
   * Opens NVML for the GPU at {@code pciBusId} (or index 0 if that lookup fails).
   * Throws {@link CudaUnavailableException} with one sentence when NVML is absent.
   */
  public static Nvml open(String pciBusId) {
    Lib lib;
    try {
      lib = Native.load("nvidia-ml", Lib.class);
    } catch (LinkageError e) {
      try {
        lib = Native.load("libnvidia-ml.so.1", Lib.class);
      } catch (LinkageError e2) {
        throw new CudaUnavailableException("NVML (libnvidia-ml.so.1) is not installed, so power, energy and clocks are not measured.");
      }
    }
    int r = lib.nvmlInit_v2();
    if (r != 0) throw new CudaUnavailableException("NVML did not initialize (" + lib.nvmlErrorString(r) + "), so power is not measured.");
    PointerByReference dev = new PointerByReference();
    if (pciBusId == null || lib.nvmlDeviceGetHandleByPciBusId_v2(pciBusId, dev) != 0) {
      int r2 = lib.nvmlDeviceGetHandleByIndex_v2(0, dev);
      if (r2 != 0) {
        lib.nvmlShutdown();
        throw new CudaUnavailableException("NVML sees no GPU (" + lib.nvmlErrorString(r2) + "), so power is not measured.");
      }
    }
    return new Nvml(lib, dev.getValue());
  }

  private void check(int r, String call) {
    if (r != 0) throw new IllegalStateException(call + " failed: " + lib.nvmlErrorString(r) + " (" + r + ")");
  }

  public double powerW() {
    IntByReference mw = new IntByReference();
    check(lib.nvmlDeviceGetPowerUsage(device, mw), "nvmlDeviceGetPowerUsage");
    return mw.getValue() / 1000.0;
  }

  /** Board energy since the driver loaded, in mJ (Volta and newer). */
  public long energyMj() {
    LongByReference mj = new LongByReference();
    check(lib.nvmlDeviceGetTotalEnergyConsumption(device, mj), "nvmlDeviceGetTotalEnergyConsumption");
    return mj.getValue();
  }

  public double powerLimitW() {
    IntByReference mw = new IntByReference();
    check(lib.nvmlDeviceGetEnforcedPowerLimit(device, mw), "nvmlDeviceGetEnforcedPowerLimit");
    return mw.getValue() / 1000.0;
  }

  public int smClockMhz() { return clock(CLOCK_SM, false); }
  public int memClockMhz() { return clock(CLOCK_MEM, false); }
  public int maxSmClockMhz() { return clock(CLOCK_SM, true); }

  private int clock(int type, boolean max) {
    IntByReference mhz = new IntByReference();
    check(max ? lib.nvmlDeviceGetMaxClockInfo(device, type, mhz) : lib.nvmlDeviceGetClockInfo(device, type, mhz),
        max ? "nvmlDeviceGetMaxClockInfo" : "nvmlDeviceGetClockInfo");
    return mhz.getValue();
  }

  /** {GPU busy %, memory-controller busy %} over NVML's last sample period. */
  public int[] utilization() {
    int[] u = new int[2];
    check(lib.nvmlDeviceGetUtilizationRates(device, u), "nvmlDeviceGetUtilizationRates");
    return u;
  }

  public int temperatureC() {
    IntByReference c = new IntByReference();
    check(lib.nvmlDeviceGetTemperature(device, 0, c), "nvmlDeviceGetTemperature");
    return c.getValue();
  }

  @Override public void close() { lib.nvmlShutdown(); }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) n++;
    return new String(b, 0, n, StandardCharsets.US_ASCII);
  }
}
