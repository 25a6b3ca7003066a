package io.lithosj.experiment;

import io.lithosj.kernel.Atom;
import io.lithosj.kernel.KernelLaunch;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.BitSet;

/**
 * Checks what every policy must guarantee: atoms in flight never overlap, every block of a
 * launch finishes exactly once, and a launch is complete exactly when all its blocks are.
 * A violation is a policy bug and stops the run with the launch and block range named.
 */
final class LaunchTracker {
  /**
   * One launch's blocks. Most launches run as one atom covering all their blocks (every launch
   * under MPS): that case is a flag, and the two bit sets (allocated and zeroed per launch, which
   * showed in profiles, issue 19) exist only once an atom covers part of the launch.
   */
  private static final class State {
    final int blocks;
    boolean wholeInFlight; // one atom of all the blocks is in flight, and no bit set exists
    BitSet inFlight;       // null until a partial atom
    BitSet done;

    State(int blocks) { this.blocks = blocks; }

    boolean whole(Atom a) { return a.blockLo() == 0 && a.blockHi() == blocks; }

    /** Switches to the bit sets, carrying the whole-launch flag over. */
    void expand() {
      if (inFlight != null) return;
      inFlight = new BitSet(blocks);
      done = new BitSet(blocks);
      if (wholeInFlight) inFlight.set(0, blocks);
      wholeInFlight = false;
    }
  }

  private final Long2ObjectOpenHashMap<State> open = new Long2ObjectOpenHashMap<>(); // by launch id, unboxed
  private long blocksCompleted;

  void submitted(KernelLaunch k) {
    open.put(k.id(), new State(k.blocks()));
  }

  void launched(Atom a) {
    State s = state(a);
    if (s.inFlight == null && !s.wholeInFlight && s.whole(a)) {
      s.wholeInFlight = true; // nothing in flight or done yet (no bit sets, no flag)
      return;
    }
    s.expand();
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
    blocksCompleted += a.blocks();
    if (s.wholeInFlight && s.whole(a)) {
      open.remove(a.launch().id()); // the one whole atom: all blocks done once
      return true;
    }
    s.expand();
    s.inFlight.clear(a.blockLo(), a.blockHi());
    s.done.set(a.blockLo(), a.blockHi());
    if (s.done.cardinality() == a.launch().blocks()) {
      open.remove(a.launch().id());
      return true;
    }
    return false;
  }

  /** An aborted atom contributes nothing: its range must be run again. */
  void aborted(Atom a) {
    State s = state(a);
    if (s.wholeInFlight && s.whole(a)) {
      s.wholeInFlight = false;
      return;
    }
    s.expand();
    s.inFlight.clear(a.blockLo(), a.blockHi());
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
