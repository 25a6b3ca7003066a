package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.kernel.WorkProfile;
import org.junit.jupiter.api.Test;

/** The tracker's guarantees hold on both of its paths: one whole-launch atom (a flag) and slices (bit sets). */
class LaunchTrackerTest {
  private final KernelLaunch launch = new KernelLaunch(7, 0, new Kernel("k", 100, 256, 32, 0, new WorkProfile(1, 0, 1.0)), 0, 0);
  private long ids;

  private Atom atom(int lo, int hi) { return new Atom(ids++, launch, lo, hi, TpcSet.range(0, 4), 0); }

  @Test
  void wholeAtomCompletesItsLaunchOnce() {
    LaunchTracker t = new LaunchTracker();
    t.submitted(launch);
    Atom a = atom(0, 100);
    t.launched(a);
    assertThrows(IllegalStateException.class, () -> t.launched(atom(0, 100))); // overlaps the one in flight
    assertThrows(IllegalStateException.class, () -> t.launched(atom(40, 50)));
    assertTrue(t.finished(a));
    assertEquals(100, t.blocksCompleted());
    assertThrows(IllegalStateException.class, () -> t.finished(a)); // the launch is no longer open
  }

  @Test
  void abortedWholeAtomMayRunAgain() {
    LaunchTracker t = new LaunchTracker();
    t.submitted(launch);
    t.launched(atom(0, 100));
    t.aborted(atom(0, 100));
    Atom again = atom(0, 100);
    t.launched(again);
    assertTrue(t.finished(again));
  }

  @Test
  void slicesCompleteTheLaunchOnlyWhenAllBlocksAreDone() {
    LaunchTracker t = new LaunchTracker();
    t.submitted(launch);
    Atom a = atom(0, 60);
    Atom b = atom(60, 100);
    t.launched(a);
    assertThrows(IllegalStateException.class, () -> t.launched(atom(0, 100))); // a whole atom over a slice in flight
    t.launched(b);
    assertFalse(t.finished(a));
    assertThrows(IllegalStateException.class, () -> t.launched(atom(10, 20))); // re-runs finished blocks
    assertTrue(t.finished(b));
  }

  @Test
  void abortedSliceAfterWholeAtomAbortIsRerunnable() {
    LaunchTracker t = new LaunchTracker();
    t.submitted(launch);
    t.launched(atom(0, 100));
    t.aborted(atom(0, 100));
    Atom a = atom(0, 30);
    t.launched(a);
    t.aborted(a);
    t.launched(atom(0, 50));
    assertThrows(IllegalStateException.class, () -> t.launched(atom(0, 100)));
  }
}
