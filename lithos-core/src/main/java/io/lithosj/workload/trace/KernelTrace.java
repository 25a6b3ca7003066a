package io.lithosj.workload.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The GPU kernels of a profiled run, in start order, grouped into requests (inference) or
 * iterations (training) by the annotation ranges they were launched in.
 *
 * @param requestLabels  the request ranges in start order, e.g. {@code ProfilerStep#1}; a kernel's
 *                       {@link TraceKernel#request()} indexes this list
 */
public record KernelTrace(String source, List<TraceKernel> kernels, List<String> requestLabels) {
  public KernelTrace {
    kernels = List.copyOf(kernels);
    requestLabels = List.copyOf(requestLabels);
    for (TraceKernel k : kernels) {
      if (k.request() >= requestLabels.size()) {
        throw new IllegalArgumentException("kernel '" + k.name() + "' in request " + k.request()
            + " but the trace has " + requestLabels.size() + " requests");
      }
    }
  }

  public int requestCount() { return requestLabels.size(); }

  /** Kernels of request {@code i} in stream order; {@code -1} gives the unassigned ones. */
  public List<TraceKernel> request(int i) {
    if (i < -1 || i >= requestLabels.size()) {
      throw new IndexOutOfBoundsException("request " + i + " of " + requestLabels.size() + " in " + source);
    }
    List<TraceKernel> r = new ArrayList<>();
    for (TraceKernel k : kernels) if (k.request() == i) r.add(k);
    return Collections.unmodifiableList(r);
  }

  /** Kernels of every request, in request order (empty requests included). */
  public List<List<TraceKernel>> requests() {
    List<List<TraceKernel>> r = new ArrayList<>();
    for (int i = 0; i < requestLabels.size(); i++) r.add(new ArrayList<>());
    for (TraceKernel k : kernels) if (k.request() >= 0) r.get(k.request()).add(k);
    return r.stream().map(Collections::unmodifiableList).toList();
  }

  public int unassignedCount() {
    int n = 0;
    for (TraceKernel k : kernels) if (k.request() < 0) n++;
    return n;
  }

  /** Sum of the kernel durations of request {@code i}. */
  public double kernelUs(int i) {
    double s = 0;
    for (TraceKernel k : kernels) if (k.request() == i) s += k.durationUs();
    return s;
  }
}
