package io.lithosj.backend;

import io.lithosj.gpu.GpuSpec;
import java.util.Locale;
import java.util.Map;

/**
 * How atoms reach the modeled GPU beyond the GPU's own launch overhead. {@link #HARDWARE} is
 * the hardware's way (what the paper's figures use): the OS sees a completion the instant the last
 * block ends, launch calls cost no host time, and stream priorities act when a block slot frees.
 * {@code cuda-backend} models {@link io.lithosj.backend.cuda.CudaBackend} as measured by
 * {@code lithos calibrate} on that GPU, so a modeled run can be set beside a real one:
 * <ul>
 *   <li>one host thread issues every launch, {@code launchCallUs} each, queued across tenants;</li>
 *   <li>the OS sees a completion {@code completionSeenUs} after the last block (the host-mapped
 *       record, the poll loop, the callbacks);</li>
 *   <li>priorities by yielding ({@code yieldsToUrgent}): a less urgent atom starts no block on a TPC
 *       that a more urgent atom in flight wants; one whose TPCs are all wanted stops and relaunches
 *       its rest later, at once when an atom completes, else after {@link #relaunchBackoffUs}
 *       (the CUDA backend's persistent blocks cannot leave the SM otherwise).</li>
 * </ul>
 *
 * @param launchCallUs     host time of one launch call; launches queue behind each other
 * @param completionSeenUs from an atom's last block end until the OS learns of it
 * @param yieldsToUrgent   less urgent atoms yield TPCs wanted by more urgent ones, as above
 */
public record DispatchModel(double launchCallUs, double completionSeenUs, boolean yieldsToUrgent) {
  public static final DispatchModel HARDWARE = new DispatchModel(0, 0, false);

  /**
   * Measured on the H100 ({@code calibration/h100-sxm/calibration.json}: {@code launchApiUs}, and
   * {@code completionSeenUs} = launch call to completion seen minus launch call to first block,
   * for one 1-block atom on an idle GPU); a test keeps the two equal.
   */
  public static final DispatchModel CUDA_BACKEND_H100 = new DispatchModel(10.138, 10.5365, true);

  /** Measured the same way on the H200 ({@code calibration/h200/calibration.json}). */
  public static final DispatchModel CUDA_BACKEND_H200 = new DispatchModel(10.2925, 10.403, true);

  private static final Map<String, DispatchModel> CUDA_BACKEND = Map.of("h100-sxm", CUDA_BACKEND_H100, "h200", CUDA_BACKEND_H200);

  public DispatchModel {
    if (!(launchCallUs >= 0) || !(completionSeenUs >= 0)) {
      throw new IllegalArgumentException("dispatch costs must be >= 0, were " + launchCallUs + " and " + completionSeenUs);
    }
  }

  /** Costs only, with hardware priorities. */
  public DispatchModel(double launchCallUs, double completionSeenUs) {
    this(launchCallUs, completionSeenUs, false);
  }

  /** The dispatch a scenario's {@code dispatch} names: {@code hardware} or {@code cuda-backend}. */
  public static DispatchModel forDispatch(String dispatch, GpuSpec gpu) {
    switch (dispatch.toLowerCase(Locale.ROOT)) {
      case "hardware":
        return HARDWARE;
      case "cuda-backend":
        DispatchModel p = CUDA_BACKEND.get(gpu.id());
        if (p == null) {
          throw new IllegalArgumentException("the CUDA backend's dispatch costs were measured only on " + CUDA_BACKEND.keySet()
              + ", not on " + gpu.id() + " (run 'lithos calibrate' on one)");
        }
        return p;
      default:
        throw new IllegalArgumentException("must be 'hardware' or 'cuda-backend', was '" + dispatch + "'");
    }
  }

  /** What a tenant's next kernel waits for per kernel beyond the GPU's launch overhead. */
  public double perKernelUs() { return completionSeenUs; }

  /**
   * The CUDA backend's wait before relaunching the rest of an atom whose last {@code zeroStreak}
   * launches ran no block (its TPCs were held): 0, then 10, 20, ... µs, at most 200 µs.
   */
  public static double relaunchBackoffUs(int zeroStreak) {
    return zeroStreak == 0 ? 0 : Math.min(200.0, 5.0 * (1L << Math.min(zeroStreak, 6)));
  }
}
