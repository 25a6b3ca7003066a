package io.lithosj.backend;

import io.lithosj.kernel.Atom;

/**
 * Timing of one finished atom.
 *
 * @param launchMs  when the policy launched it
 * @param startMs   when its first block started
 * @param endMs     when its last block finished
 */
public record AtomResult(Atom atom, double launchMs, double startMs, double endMs) {
  public double runMs() { return endMs - startMs; }
  public double latencyMs() { return endMs - launchMs; }
}
