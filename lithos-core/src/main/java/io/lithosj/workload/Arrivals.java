package io.lithosj.workload;

import java.util.List;

/** How requests reach an inference service. */
public sealed interface Arrivals {
  /** Open loop, exponential inter-arrival times with mean {@code 1000 / ratePerSec} ms. */
  record Poisson(double ratePerSec) implements Arrivals {
    public Poisson {
      if (!(ratePerSec > 0) || !Double.isFinite(ratePerSec)) {
        throw new IllegalArgumentException("ratePerSec must be > 0, was " + ratePerSec);
      }
    }
  }

  /** Open loop, fixed arrival times in ms from the start of the run. */
  record Trace(List<Double> arrivalMs) implements Arrivals {
    public Trace { arrivalMs = List.copyOf(arrivalMs); }
  }

  /** Closed loop: the next request is issued as soon as the previous one returns. */
  record ClosedLoop() implements Arrivals {}
}
