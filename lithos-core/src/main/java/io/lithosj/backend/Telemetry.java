package io.lithosj.backend;

/**
 * What a backend measured over a run.
 *
 * @param busyTpcMs  sum over TPCs of the time they held at least one running block
 * @param energyJ    board energy (modeled, or NVML's counter on a real GPU)
 */
public record Telemetry(double elapsedMs, double busyTpcMs, double energyJ, long blocksRun, long eventsProcessed) {
  public double avgPowerW() { return elapsedMs > 0 ? energyJ / (elapsedMs / 1000.0) : 0; }
}
