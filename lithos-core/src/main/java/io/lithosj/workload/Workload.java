package io.lithosj.workload;

import io.lithosj.kernel.Kernel;
import java.util.List;

/** What a tenant runs: an inference service (requests) or a training job (iterations). */
public sealed interface Workload {
  /** The kernels of one request or one iteration, in stream order. */
  List<Kernel> kernels();

  /**
   * Requests of a fixed kernel sequence arriving by {@code arrivals}, served FIFO one at a time.
   * {@code batchSize} is descriptive (0 = as the model's trace was measured).
   */
  record Inference(List<Kernel> kernels, Arrivals arrivals, int batchSize) implements Workload {
    public Inference {
      kernels = List.copyOf(kernels);
      if (kernels.isEmpty()) throw new IllegalArgumentException("an inference request needs at least one kernel");
    }
  }

  /** A closed loop of iterations, each the same kernel sequence, back to back. */
  record Training(List<Kernel> kernels, int batchSize) implements Workload {
    public Training {
      kernels = List.copyOf(kernels);
      if (kernels.isEmpty()) throw new IllegalArgumentException("a training iteration needs at least one kernel");
    }
  }
}
