package io.lithosj.sweep;

import java.nio.file.Path;
import tech.tablesaw.api.Table;

/**
 * Sweeps from a notebook or JShell: {@code Sweeps.table(Path.of("datasets/sweeps/atom-x-load.json"))}
 * runs in process; {@code Sweeps.run(file, "local[*]")} on Spark (see {@link Runners}). Progress goes to stderr.
 */
public final class Sweeps {
  private Sweeps() {}

  public static SweepResult run(Path file, String master) {
    return Runners.of(master).sweep(SweepPlan.of(SweepSpec.load(file)), s -> System.err.println("sweep " + s));
  }

  /** In process, as a Tablesaw table (one row per point and tenant). */
  public static Table table(Path file) { return run(file, Runners.IN_PROCESS).table(); }
}
