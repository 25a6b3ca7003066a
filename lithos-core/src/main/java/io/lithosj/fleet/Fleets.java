package io.lithosj.fleet;

import io.lithosj.sweep.Runners;
import java.nio.file.Path;
import tech.tablesaw.api.Table;

/**
 * Fleet studies from a notebook or JShell: {@code Fleets.table(Path.of("datasets/fleets/paper-fleet.json"))}
 * runs in process and returns GPUs needed per policy; {@code Fleets.run(file, "local[*]")} on Spark
 * ({@link Runners}); {@link FleetResult#gpuTable} has each GPU's tenants. Progress goes to stderr.
 */
public final class Fleets {
  private Fleets() {}

  public static FleetResult run(Path file, String master) {
    return FleetStudy.run(FleetSpec.load(file), Runners.of(master), s -> System.err.println("fleet " + s));
  }

  /** In process, the summary: one row per policy and one for dedicated GPUs. */
  public static Table table(Path file) { return run(file, Runners.IN_PROCESS).summaryTable(); }

  /**
   * Reads a summary written by {@code lithos fleet} ({@code OUT/<fleet>-summary.csv}), for
   * plotting a committed result without running it again.
   */
  public static Table readSummary(Path csv) {
    try {
      return Table.read().csv(csv.toFile());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read fleet summary " + csv + ": " + e.getMessage());
    }
  }
}
