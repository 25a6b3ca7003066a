package io.lithosj.sweep;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Sweep;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs points in this process on {@code threads} threads, through the experiment package's parallel {@link Sweep}. */
public record LocalRunner(int threads) implements PointRunner {

  /** All cores. */
  public LocalRunner() { this(Runtime.getRuntime().availableProcessors()); }

  @Override
  public List<List<SweepRow>> run(List<SweepPoint> points, Consumer<String> progress) {
    List<Scenario> scenarios = points.stream().map(SweepPoint::scenario).toList();
    List<RunResult> results = Sweep.run(scenarios, threads, progress);
    List<List<SweepRow>> out = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) out.add(points.get(i).rows(results.get(i)));
    return out;
  }
}
