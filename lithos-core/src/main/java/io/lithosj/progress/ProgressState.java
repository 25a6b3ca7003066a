package io.lithosj.progress;

import java.util.Locale;

/**
 * How far a piece of work is: {@code done} of {@code total} units (runs of a sweep; for one run, 1),
 * where {@code done} counts a unit in progress by its fraction, so the bar moves within a run.
 *
 * @param label      what is being done, e.g. "inference-stacking: 3 runs"
 * @param done       units done, fractions of running units included (0..total)
 * @param finished   units completely done (what "2/3 runs" counts)
 * @param total      units in all
 * @param elapsedSec wall seconds since the work started
 * @param over       true once the work has ended
 */
public record ProgressState(String label, double done, int finished, int total, double elapsedSec, boolean over) {
  /** Below this much of the work done, a linear estimate of time left is mostly noise (start-up, JIT). */
  static final double MIN_FRACTION_FOR_ESTIMATE = 0.02;

  public double fraction() { return total == 0 ? 1 : Math.min(1, done / total); }

  /**
   * Wall seconds left, extrapolating the rate so far (runs of a sweep are alike, and a run's simulated
   * time advances about evenly); NaN until there is enough to extrapolate from.
   */
  public double secondsLeft() {
    double f = fraction();
    if (over || f >= 1) return 0;
    if (f < MIN_FRACTION_FOR_ESTIMATE || elapsedSec <= 0) return Double.NaN;
    return elapsedSec * (1 - f) / f;
  }

  /**
   * E.g. "inference-stacking: 2/3 runs, 71 %, 12 s elapsed, about 5 s left" or "... 3/3 runs done in 17 s";
   * one run has no count: "demo / lithos: 25 %, 2.7 s elapsed, about 8.1 s left".
   */
  @Override public String toString() {
    String count = total > 1 ? finished + "/" + total + " runs" + (over ? " " : ", ") : "";
    if (over) return label + ": " + count + "done in " + Durations.format(elapsedSec);
    double left = secondsLeft();
    return String.format(Locale.ROOT, "%s: %s%.0f %%, %s elapsed, %s", label, count, fraction() * 100,
        Durations.format(elapsedSec), Double.isNaN(left) ? "estimating time left" : "about " + Durations.format(left) + " left");
  }
}
