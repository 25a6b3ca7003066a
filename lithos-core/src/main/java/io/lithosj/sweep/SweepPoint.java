package io.lithosj.sweep;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import java.io.Serializable;
import java.util.List;

/**
 * One run of a sweep: its place ({@code index}), its key (policy and one value per axis, "" where
 * the axis does not apply) and its whole scenario as JSON text. Plain text so it travels to a Spark
 * executor as it is and is parsed there by the same loader; the run depends on nothing else.
 */
public record SweepPoint(int index, String policy, List<String> key, String scenarioJson) implements Serializable {

  public Scenario scenario() { return ScenarioLoader.parse(scenarioJson, false); }

  /** Runs the point on the modeled GPU: one row per tenant. */
  public List<SweepRow> run() {
    return rows(Runner.run(scenario()));
  }

  /** This point's rows from its run's result. */
  public List<SweepRow> rows(RunResult r) {
    return r.tenants().stream().map(m -> SweepRow.of(this, r, m)).toList();
  }
}
