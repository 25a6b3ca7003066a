package io.lithosj.backend;

import io.lithosj.kernel.Atom;

/** Completion callbacks of a {@link GpuBackend}. */
public interface AtomListener {
  void onAtomDone(AtomResult result);

  /** {@code blocksWasted}: blocks killed while running (their work is lost). */
  default void onAtomAborted(Atom atom, int blocksCompleted, int blocksWasted) {}
}
