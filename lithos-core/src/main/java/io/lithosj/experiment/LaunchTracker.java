package io.lithosj.experiment;

import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks what every policy must guarantee: atoms in flight never overlap, every block of a
 * launch finishes exactly once, and a launch is complete exactly when all its blocks are.
 * A violation is a policy bug and stops the run with the launch and block range named.
 */
final class LaunchTracker {
  private static final class State {
    final BitSet inFlight;
    final BitSet done;

    State(int blocks) { // sized once: growing them showed in profiles (issue 19)
      inFlight = new BitSet(blocks);
      done = new BitSet(blocks);
    }
  }

  private final Map<Long, State> open = new HashMap<>();
  private long blocksCompleted;

  void submitted(KernelLaunch k) {
    open.put(k.id(), new State(k.blocks()));
  }

  void launched(Atom a) {
    State s = state(a);
    int clash = s.inFlight.nextSetBit(a.blockLo());
    if (clash >= 0 && clash < a.blockHi()) {
      throw new IllegalStateException("atom " + a.id() + " relaunches block " + clash + " of '" + a.kernel().name()
          + "' (launch " + a.launch().id() + ") while another atom holds it");
    }
    int doneClash = s.done.nextSetBit(a.blockLo());
    if (doneClash >= 0 && doneClash < a.blockHi()) {
      throw new IllegalStateException("atom " + a.id() + " re-runs finished block " + doneClash + " of '"
          + a.kernel().name() + "' (launch " + a.launch().id() + ")");
    }
    s.inFlight.set(a.blockLo(), a.blockHi());
  }

  /** Returns true when this atom completed its launch. */
  boolean finished(Atom a) {
    State s = state(a);
    s.inFlight.clear(a.blockLo(), a.blockHi());
    s.done.set(a.blockLo(), a.blockHi());
    blocksCompleted += a.blocks();
    if (s.done.cardinality() == a.launch().blocks()) {
      open.remove(a.launch().id());
      return true;
    }
    return false;
  }

  /** An aborted atom contributes nothing: its range must be run again. */
  void aborted(Atom a) {
    state(a).inFlight.clear(a.blockLo(), a.blockHi());
  }

  long blocksCompleted() { return blocksCompleted; }

  private State state(Atom a) {
    State s = open.get(a.launch().id());
    if (s == null) {
      throw new IllegalStateException("atom " + a.id() + " belongs to launch " + a.launch().id() + " of '"
          + a.kernel().name() + "', which is not open (never submitted or already complete)");
    }
    return s;
  }
}
