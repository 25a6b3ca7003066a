package io.lithosj.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples NVML on a background daemon thread every {@code periodMs} while a run goes on. Only
 * this thread talks to NVML; readers get immutable snapshots, so the backend's single-threaded
 * callback contract is untouched.
 */
public final class NvmlSampler implements AutoCloseable {
  /** One reading; {@code hostNs} is {@link System#nanoTime()}. */
  public record Sample(long hostNs, double powerW, long energyMj, int smMhz, int memMhz, int gpuUtilPct, int memUtilPct) {}

  private final Nvml nvml;
  private final long periodNs;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;

  public NvmlSampler(Nvml nvml, double periodMs) {
    this.nvml = nvml;
    this.periodNs = (long) (periodMs * 1e6);
    thread = new Thread(this::loop, "nvml-sampler");
    thread.setDaemon(true);
    synchronized (samples) { samples.add(read()); }
    thread.start();
  }

  /** One reading; a field this GPU does not report is NaN or -1 rather than a failed sample. */
  private Sample read() {
    int[] u = orElse(nvml::utilization, new int[] {-1, -1});
    return new Sample(System.nanoTime(), orElse(nvml::powerW, Double.NaN), orElse(nvml::energyMj, -1L),
        orElse(nvml::smClockMhz, -1), orElse(nvml::memClockMhz, -1), u[0], u[1]);
  }

  private static <T> T orElse(java.util.function.Supplier<T> read, T fallback) {
    try {
      return read.get();
    } catch (IllegalStateException e) {
      return fallback;
    }
  }

  private void loop() {
    long next = System.nanoTime() + periodNs;
    while (running) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      next += periodNs;
      try {
        Sample s = read();
        synchronized (samples) { samples.add(s); }
      } catch (RuntimeException e) {
        failure = e.getMessage();
        return;
      }
    }
  }

  /** Takes one reading now (on the caller's thread) and appends it. */
  public Sample sampleNow() {
    Sample s = read();
    synchronized (samples) { samples.add(s); }
    return s;
  }

  public List<Sample> samples() {
    synchronized (samples) { return List.copyOf(samples); }
  }

  public String failure() { return failure; }

  /** Energy in J between two host times, from NVML's counter (samples nearest inside the window). */
  public double energyJ(long fromNs, long toNs) {
    Sample a = null, b = null;
    for (Sample s : samples()) {
      if (s.hostNs >= fromNs && a == null) a = s;
      if (s.hostNs <= toNs) b = s;
    }
    if (a == null || b == null || b.hostNs <= a.hostNs || a.energyMj < 0) return Double.NaN;
    return (b.energyMj - a.energyMj) / 1000.0;
  }

  /** Mean power in W over a window from the energy counter, the way NVML itself integrates it. */
  public double meanPowerW(long fromNs, long toNs) {
    Sample a = null, b = null;
    for (Sample s : samples()) {
      if (s.hostNs >= fromNs && a == null) a = s;
      if (s.hostNs <= toNs) b = s;
    }
    if (a == null || b == null || b.hostNs <= a.hostNs) return Double.NaN;
    if (a.energyMj < 0) return mean(fromNs, toNs, Sample::powerW); // no energy counter: average the readings
    return (b.energyMj - a.energyMj) / 1000.0 / ((b.hostNs - a.hostNs) / 1e9);
  }

  /** Mean of a sampled field over a window. */
  public double mean(long fromNs, long toNs, java.util.function.ToDoubleFunction<Sample> field) {
    return samples().stream().filter(s -> s.hostNs >= fromNs && s.hostNs <= toNs).mapToDouble(field).average().orElse(Double.NaN);
  }

  @Override public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
