package io.lithosj.workload.trace;

import java.util.List;

/**
 * Streams a synthetic trace of at least the given size through the importer and checks what it
 * read; run by {@link LargeTraceTest} in a JVM with a small heap. Exit code 0 only if every
 * count and sum is right.
 */
public final class LargeTraceMain {
  public static void main(String[] args) throws Exception {
    long targetBytes = Long.parseLong(args[0]);
    int perStep = 2000;
    long bytesPerKernel = 2000; // a lower bound of what SyntheticTrace writes per kernel
    int steps = (int) Math.max(1, targetBytes / (perStep * bytesPerKernel));
    SyntheticTrace in = new SyntheticTrace(steps, perStep);
    KernelTrace t = new ChromeTraceImporter().importStream(in, "synthetic");
    double want = SyntheticTrace.stepKernelUs(perStep);
    boolean ok = t.requestCount() == steps && t.kernels().size() == steps * perStep && t.unassignedCount() == 0;
    List<List<TraceKernel>> reqs = t.requests();
    for (int s = 0; s < steps && ok; s++) {
      double sum = 0;
      for (TraceKernel k : reqs.get(s)) sum += k.durationUs();
      ok = reqs.get(s).size() == perStep && Math.abs(sum - want) < 1e-6 && reqs.get(s).get(perStep - 1).seq() == perStep - 1;
    }
    System.out.println("bytes=" + in.bytes + " kernels=" + t.kernels().size() + " requests=" + t.requestCount()
        + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20) + " ok=" + ok);
    System.exit(ok ? 0 : 1);
  }
}
