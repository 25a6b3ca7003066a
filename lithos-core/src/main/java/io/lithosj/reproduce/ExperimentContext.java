package io.lithosj.reproduce;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Sweep;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** What every paper experiment needs: where to write, how to run many scenarios, how to talk. */
record ExperimentContext(String gpu, Path figuresDir, Path dataDir, boolean quick, int threads, Consumer<String> log) {
  List<RunResult> runAll(List<Scenario> scenarios) {
    return Sweep.run(scenarios.stream().map(s -> s.withGpu(gpu)).toList(), threads, log);
  }

  /** File name prefix, so H100 and A100 outputs sit side by side. */
  String prefix(String experiment) { return gpu + "-" + experiment; }
}
