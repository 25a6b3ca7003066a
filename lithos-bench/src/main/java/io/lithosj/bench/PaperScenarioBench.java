package io.lithosj.bench;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 100 simulated ms of a paper scenario under a policy, end to end (GPU model, policy, tenants):
 * ms per run, so simulated GPU-seconds per second is 100 / score. Run from the repository root
 * (the scenario files are read from datasets/scenarios/bench).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PaperScenarioBench {
  @Param({"hybrid", "inference-latency"}) String scenario;
  @Param({"mps", "lithos"}) String policy;
  Scenario s;

  @Setup
  public void load() {
    s = ScenarioLoader.load(Path.of("datasets/scenarios/bench", scenario + ".json")).withPolicy(policy).withDurationMs(100, 10);
  }

  @Benchmark
  public long run100ms() {
    RunResult r = Runner.run(s);
    return r.blocksRun();
  }
}
