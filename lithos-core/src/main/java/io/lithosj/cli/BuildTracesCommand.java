package io.lithosj.cli;

import io.lithosj.output.SafeOutput;
import io.lithosj.workload.trace.ModelTrace;
import io.lithosj.workload.trace.TraceDatasetBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lithos build-traces RAW... OUT}: the kernel-trace dataset from what datasets/collect_traces.py
 * measured ({@link TraceDatasetBuilder}), with the CLI's error discipline (issue 16 item 6): a bad
 * input is one line naming the file and, for a trace, the position; kernels outside every request
 * range are a warning.
 */
@Command(name = "build-traces", mixinStandardHelpOptions = true,
    description = {"Build the kernel-trace dataset (OUT/<id>.csv.gz and OUT/index.json) from raw folders of",
        "<id>.trace.json.gz Chrome traces, scaling re-runs and manifest.json (datasets/traces/PROVENANCE.md).",
        "A trace with no kernel inside a request range, a kernel event without grid or block, a zero",
        "dimension or more than 1024 threads per block is an error naming the file and position."})
final class BuildTracesCommand implements Callable<Integer> {
  @Parameters(arity = "2..*", paramLabel = "RAW... OUT", description = "Raw folders, then the output folder.")
  List<Path> paths;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<Path> raws = paths.subList(0, paths.size() - 1);
    Path outDir = paths.get(paths.size() - 1);
    SafeOutput.checkDir(outDir); // before reading gigabytes of traces, with the system's reason
    List<TraceDatasetBuilder.Built> built;
    try {
      built = new TraceDatasetBuilder().buildAll(raws, outDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    java.io.PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    for (TraceDatasetBuilder.Built b : built) {
      ModelTrace t = b.trace();
      out.printf(Locale.ROOT, "%-30s %6d kernels %9.3f ms  scaling %s  rejected %d%n", t.id(),
          t.kernels().size(), t.kernelUs() / 1000, b.pairedBySource(), b.rejectedPairs());
      if (b.unassigned() > 0) {
        err.printf(Locale.ROOT, "lithos: warning: %s: %d kernels outside every request range were left out%n",
            t.id(), b.unassigned());
      }
    }
    out.println("wrote " + outDir.resolve("index.json") + " (" + built.size() + " traces)");
    out.flush();
    err.flush();
    return 0;
  }
}
