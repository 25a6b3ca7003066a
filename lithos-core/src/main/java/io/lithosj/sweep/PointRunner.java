package io.lithosj.sweep;

import java.util.List;
import java.util.function.Consumer;

/**
 * Runs independent points and returns each point's rows in the points' order. In process
 * ({@link LocalRunner}) or on Spark ({@code io.lithosj.spark.SparkRunner}); since a point's rows
 * depend only on its scenario, every runner returns equal lists.
 */
public interface PointRunner {
  /** {@code progress} hears a line such as {@code [3/40] point 2 (lithos)} as points finish. */
  List<List<SweepRow>> run(List<SweepPoint> points, Consumer<String> progress);

  /** Runs a sweep's points and gathers them into its table. */
  default SweepResult sweep(SweepPlan plan, Consumer<String> progress) {
    return SweepResult.of(plan.axisNames(), run(plan.points(), progress));
  }
}
