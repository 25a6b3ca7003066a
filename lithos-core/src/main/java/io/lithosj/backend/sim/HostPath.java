package io.lithosj.backend.sim;

import io.lithosj.gpu.GpuSpec;
import java.util.Locale;
import java.util.Map;

/**
 * The host side of dispatch that the modeled GPU charges on top of the GPU's own launch
 * overhead. {@link #HARDWARE} charges nothing: the OS sees a completion the instant the last block
 * ends and its launch calls cost no host time (the hardware model the paper's figures use).
 * {@code cuda-backend} charges what {@code lithos calibrate} measured for
 * {@link io.lithosj.backend.cuda.CudaBackend} on that GPU, so a modeled run can be set beside a real one:
 * one host thread issues every launch ({@code launchCallUs} each, serialized across tenants) and
 * sees each completion {@code completionSeenUs} after its last block (the host-mapped record, the
 * poll loop, the callbacks).
 *
 * @param launchCallUs     host time of one launch call; launches queue behind each other
 * @param completionSeenUs from an atom's last block end until the OS learns of it
 */
public record HostPath(double launchCallUs, double completionSeenUs) {
  public static final HostPath HARDWARE = new HostPath(0, 0);

  /**
   * Measured on the H100 ({@code calibration/h100-sxm/calibration.json}: {@code launchApiUs}, and
   * {@code completionSeenUs} = launch call to completion seen minus launch call to first block,
   * for one 1-block atom on an idle GPU); a test keeps the two equal.
   */
  public static final HostPath CUDA_BACKEND_H100 = new HostPath(10.138, 10.5365);

  private static final Map<String, HostPath> CUDA_BACKEND = Map.of("h100-sxm", CUDA_BACKEND_H100);

  public HostPath {
    if (!(launchCallUs >= 0) || !(completionSeenUs >= 0)) {
      throw new IllegalArgumentException("host path costs must be >= 0, were " + launchCallUs + " and " + completionSeenUs);
    }
  }

  /** The host path a scenario's {@code dispatch} names: {@code hardware} or {@code cuda-backend}. */
  public static HostPath forDispatch(String dispatch, GpuSpec gpu) {
    switch (dispatch.toLowerCase(Locale.ROOT)) {
      case "hardware":
        return HARDWARE;
      case "cuda-backend":
        HostPath p = CUDA_BACKEND.get(gpu.id());
        if (p == null) {
          throw new IllegalArgumentException("the CUDA backend's host costs were measured only on " + CUDA_BACKEND.keySet()
              + ", not on " + gpu.id() + " (run 'lithos calibrate' on one)");
        }
        return p;
      default:
        throw new IllegalArgumentException("must be 'hardware' or 'cuda-backend', was '" + dispatch + "'");
    }
  }

  /** What a tenant's next kernel waits for per kernel beyond the GPU's launch overhead. */
  public double perKernelUs() { return completionSeenUs; }
}
