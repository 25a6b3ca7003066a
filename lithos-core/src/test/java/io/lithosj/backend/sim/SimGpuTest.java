package io.lithosj.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.backend.AtomListener;
import io.lithosj.backend.DispatchModel;
import io.lithosj.backend.AtomResult;
import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Atom;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.KernelLaunch;
import io.lithosj.kernel.WorkProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimGpuTest {
  static final GpuSpec H100 = GpuSpec.H100_SXM;
  static final double LAUNCH_MS = H100.launchOverheadUs() / 1000;

  static Kernel compute(String name, int blocks, double blockUs) {
    return new Kernel(name, blocks, 256, 32, 0, new WorkProfile(blockUs, 0, 1.0));
  }

  static Kernel memory(String name, int blocks) {
    return new Kernel(name, blocks, 256, 32, 0, new WorkProfile(10, 1e6, 0.1));
  }

  /** Runs atoms on a fresh modeled GPU and returns their results in completion order. */
  static final class Harness implements AtomListener {
    final SimGpu gpu;
    final List<AtomResult> done = new ArrayList<>();
    final List<Double> seenMs = new ArrayList<>(); // when each completion reached the listener
    long ids;

    Harness(GpuSpec spec) {
      this(spec, DispatchModel.HARDWARE);
    }

    Harness(GpuSpec spec, DispatchModel dispatch) {
      gpu = new SimGpu(spec, dispatch);
      gpu.setListener(this);
    }

    Atom atom(Kernel k, TpcSet tpcs, int priority) {
      return new Atom(ids++, new KernelLaunch(ids, 0, k, 0, gpu.nowMs()), 0, k.blocks(), tpcs, priority);
    }

    @Override public void onAtomDone(AtomResult r) {
      done.add(r);
      seenMs.add(gpu.nowMs());
    }

    AtomResult of(Atom a) { return done.stream().filter(r -> r.atom() == a).findFirst().orElseThrow(); }

    /** {@code left} on TPCs 0-32 and {@code right} on 33-65, launched at the same instant and run to the end. */
    Atom[] runOnHalves(Kernel left, Kernel right) {
      Atom a = atom(left, TpcSet.range(0, 33), 0), b = atom(right, TpcSet.range(33, 66), 0);
      gpu.launch(a);
      gpu.launch(b);
      gpu.runUntil(Double.POSITIVE_INFINITY);
      return new Atom[] {a, b};
    }

    /** One kernel alone on {@code tpcs} of an otherwise idle H100, run to the end. */
    static AtomResult runAlone(Kernel k, TpcSet tpcs) {
      Harness h = new Harness(H100);
      Atom a = h.atom(k, tpcs, 0);
      h.gpu.launch(a);
      h.gpu.runUntil(Double.POSITIVE_INFINITY);
      return h.of(a);
    }
  }

  @Test
  void memoryFollowsAtomsInFlightNotRunLength() {
    for (DispatchModel d : new DispatchModel[] {DispatchModel.HARDWARE, DispatchModel.CUDA_BACKEND_H100}) {
      Harness h = new Harness(H100, d);
      int maxSlots = 0;
      for (int i = 0; i < 2000; i++) { // four atoms at a time, one aborted in each round
        Atom[] round = new Atom[4];
        for (int j = 0; j < 4; j++) {
          round[j] = h.atom(compute("k" + j, 300, 50), TpcSet.range(j * 16, j * 16 + 16), j % 2);
          h.gpu.launch(round[j]);
        }
        h.gpu.runUntil(h.gpu.nowMs() + 0.02);
        h.gpu.abort(round[3]);
        maxSlots = Math.max(maxSlots, h.gpu.atomSlotsInUse());
        h.gpu.runUntil(Double.POSITIVE_INFINITY);
      }
      assertEquals(2000 * 3, h.done.size(), d.toString());
      assertEquals(0, h.gpu.atomSlotsInUse(), d + ": every finished or aborted atom's slot is freed");
      assertTrue(maxSlots <= 4, d + ": at most the atoms of one round held, was " + maxSlots);
    }
  }

  @Test
  void aKernelAloneTakesItsIdealLatency() {
    for (int tpcs : new int[] {1, 8, 33, 66}) {
      Kernel k = compute("fma", 4000, 50);
      AtomResult r = Harness.runAlone(k, TpcSet.range(0, tpcs));
      assertEquals(k.idealLatencyUs(H100, tpcs) / 1000, r.runMs(), 1e-9, "on " + tpcs + " TPCs");
      assertEquals(LAUNCH_MS, r.startMs(), 1e-12);
    }
  }

  @Test
  void theDispatchModelQueuesLaunchCallsAndDelaysCompletions() {
    Harness h = new Harness(H100, new DispatchModel(10, 4));
    Atom[] ab = h.runOnHalves(compute("a", 66, 20), compute("b", 66, 20)); // same instant: b's call waits for a's
    Atom a = ab[0], b = ab[1];
    assertEquals(LAUNCH_MS, h.of(a).startMs(), 1e-12);
    assertEquals(0.010 + LAUNCH_MS, h.of(b).startMs(), 1e-12);
    for (int i = 0; i < 2; i++) {
      assertEquals(h.done.get(i).endMs() + 0.004, h.seenMs.get(i), 1e-12, "completion seen 4 us after the last block");
    }
    // the hardware path: seen at once, no queueing
    Harness hw = new Harness(H100);
    Atom[] cd = hw.runOnHalves(compute("c", 66, 20), compute("d", 66, 20));
    Atom c = cd[0], d = cd[1];
    assertEquals(hw.of(c).startMs(), hw.of(d).startMs(), 1e-12);
    assertEquals(hw.done.get(0).endMs(), hw.seenMs.get(0), 1e-12);
  }

  @Test
  void yieldingPrioritiesKeepLessUrgentBlocksOffWhileUrgentWorkIsInFlight() {
    double[] beEnd = new double[2];
    double[] hpEnd = new double[2];
    for (boolean yields : new boolean[] {false, true}) {
      Harness h = new Harness(H100, new DispatchModel(0, 10, yields));
      Atom be = h.atom(compute("be", 66 * 2 * 8 * 20, 100), H100.allTpcs(), 0); // 20 waves of 100 us
      h.gpu.launch(be);
      Atom[] hp = new Atom[1];
      h.gpu.at(0.5, () -> { hp[0] = h.atom(compute("hp", 132, 300), H100.allTpcs(), 1); h.gpu.launch(hp[0]); });
      h.gpu.runUntil(Double.POSITIVE_INFINITY);
      int i = yields ? 1 : 0;
      beEnd[i] = h.of(be).endMs();
      hpEnd[i] = h.of(hp[0]).endMs();
      assertEquals(66 * 2 * 8 * 20 + 132, h.gpu.telemetry().blocksRun(), "every block ran once");
    }
    // hardware priorities: BE refills the slots next to HP's blocks; yielding: BE stops until
    // HP's completion is seen, so HP's 300 us blocks run alone and BE finishes ~300 us later
    assertTrue(beEnd[1] > beEnd[0] + 0.2, "BE end: hardware " + beEnd[0] + ", yielding " + beEnd[1]);
    assertTrue(hpEnd[1] <= hpEnd[0] + 1e-9, "HP end: hardware " + hpEnd[0] + ", yielding " + hpEnd[1]);
  }

  @Test
  void computeBoundScalesAndMemoryBoundSaturates() {
    double[] comp = new double[67];
    double[] mem = new double[67];
    for (int n : new int[] {8, 16, 33, 66}) {
      comp[n] = Harness.runAlone(compute("fma", 8448, 20), TpcSet.range(0, n)).runMs();
      mem[n] = Harness.runAlone(memory("copy", 20000), TpcSet.range(0, n)).runMs();
    }
    assertEquals(2.0, comp[33] / comp[66], 0.1);
    assertEquals(8.0, comp[8] / comp[66], 0.5);
    assertEquals(1.0, mem[33] / mem[66], 0.05, "memory-bound: 33 TPCs are as fast as 66");
    assertTrue(mem[8] / mem[66] > 2, "8 TPCs cannot saturate DRAM");
  }

  @Test
  void disjointTpcSetsRunSideBySideButShareBandwidth() {
    AtomResult alone = Harness.runAlone(compute("fma", 2112, 100), TpcSet.range(0, 33));

    Harness both = new Harness(H100);
    Atom[] ab = both.runOnHalves(compute("fma", 2112, 100), compute("fma", 2112, 100));
    Atom a = ab[0], b = ab[1];
    assertEquals(alone.runMs(), both.of(a).runMs(), 1e-12, "compute-bound halves do not interfere");
    assertEquals(both.of(a).endMs(), both.of(b).endMs(), 1e-12);

    AtomResult memAlone = Harness.runAlone(memory("copy", 20000), TpcSet.range(0, 33));
    Harness memBoth = new Harness(H100);
    Atom m1 = memBoth.runOnHalves(memory("copy", 20000), memory("copy", 20000))[0];
    assertTrue(memBoth.of(m1).runMs() > 1.8 * memAlone.runMs(), "two bandwidth-bound kernels share DRAM");
  }

  @Test
  void runningBlocksAreNotPreemptedSoALaterKernelWaits() {
    Harness h = new Harness(H100);
    Atom big = h.atom(compute("long", 1056, 5000), H100.allTpcs(), 0); // one full wave of 5 ms blocks
    h.gpu.launch(big);
    h.gpu.runUntil(1.0);
    Atom small = h.atom(compute("short", 132, 10), H100.allTpcs(), 7); // higher priority does not help
    h.gpu.launch(small);
    h.gpu.runUntil(Double.POSITIVE_INFINITY);
    assertTrue(h.of(small).startMs() >= h.of(big).startMs() + 5.0 - 1e-9, "head-of-line blocking");

    Harness iso = new Harness(H100);
    Atom big2 = iso.atom(compute("long", 1056 / 2, 5000), TpcSet.range(0, 33), 0);
    iso.gpu.launch(big2);
    iso.gpu.runUntil(1.0);
    Atom small2 = iso.atom(compute("short", 132, 10), TpcSet.range(33, 66), 0);
    iso.gpu.launch(small2);
    iso.gpu.runUntil(Double.POSITIVE_INFINITY);
    assertEquals(1.0 + LAUNCH_MS, iso.of(small2).startMs(), 1e-9, "set-aside TPCs start it at once");
  }

  @Test
  void higherPriorityIsDispatchedFirstWhenSlotsFree() {
    Harness h = new Harness(H100);
    Atom be = h.atom(compute("be", 1056 * 3, 1000), H100.allTpcs(), 0);
    h.gpu.launch(be);
    h.gpu.runUntil(0.5);
    Atom hp = h.atom(compute("hp", 1056, 10), H100.allTpcs(), 1);
    h.gpu.launch(hp);
    h.gpu.runUntil(Double.POSITIVE_INFINITY);
    // the first BE wave drains at ~1.005 ms, then HP goes before BE's remaining waves
    assertEquals(1.0 + LAUNCH_MS, h.of(hp).startMs(), 1e-9);
    assertTrue(h.of(hp).endMs() < 1.1);
  }

  @Test
  void lowerClockIsSlowerAndDrawsLessPower() {
    Harness fast = new Harness(H100);
    Atom f = fast.atom(compute("fma", 1056 * 10, 100), H100.allTpcs(), 0);
    fast.gpu.launch(f);
    fast.gpu.runUntil(Double.POSITIVE_INFINITY);
    Harness slow = new Harness(H100);
    slow.gpu.setSmClockMhz(990);
    Atom s = slow.atom(compute("fma", 1056 * 10, 100), H100.allTpcs(), 0);
    slow.gpu.launch(s);
    slow.gpu.runUntil(Double.POSITIVE_INFINITY);
    assertEquals(2.0, slow.of(s).runMs() / fast.of(f).runMs(), 1e-6, "sensitivity 1: half clock, double time");
    double pFast = fast.gpu.telemetry().avgPowerW();
    double pSlow = slow.gpu.telemetry().avgPowerW();
    assertTrue(pSlow < pFast / 2, "power falls faster than the clock: " + pSlow + " vs " + pFast);
    assertTrue(pFast > H100.power().idleW() && pFast <= H100.power().maxW());
  }

  @Test
  void abortKillsRunningBlocksAndDropsTheRest() {
    Harness h = new Harness(H100);
    int[] seen = new int[2];
    h.gpu.setListener(new AtomListener() {
      @Override public void onAtomDone(AtomResult r) { h.done.add(r); }
      @Override public void onAtomAborted(Atom a, int completed, int wasted) { seen[0] = completed; seen[1] = wasted; }
    });
    Atom a = h.atom(compute("be", 1056 * 4, 1000), H100.allTpcs(), 0);
    h.gpu.launch(a);
    h.gpu.runUntil(1.5); // first wave done, second running
    h.gpu.abort(a);
    h.gpu.runUntil(Double.POSITIVE_INFINITY);
    assertEquals(1056, seen[0]);
    assertEquals(1056, seen[1]);
    assertTrue(h.done.isEmpty());
    assertEquals(1056, h.gpu.telemetry().blocksRun());
  }
  /**
   * REEF resets a kernel and launches the next at once: the new kernel's block groups take the
   * slots the killed ones held. The killed groups' completion events are still queued; they must
   * not complete the new groups (each block of each kernel completes exactly once, at its time).
   */
  @Test
  void anAbortedKernelsQueuedCompletionsNeverCompleteTheKernelThatReusesItsSlots() {
    Harness h = new Harness(H100);
    Atom be = h.atom(compute("be", 1056 * 4, 1000), H100.allTpcs(), 0);
    h.gpu.launch(be);
    h.gpu.runUntil(1.5); // second wave running, its blocks due at ~2.0 ms
    h.gpu.abort(be);
    double abortMs = h.gpu.nowMs();
    Atom hp = h.atom(compute("hp", 1056 * 2, 1000), H100.allTpcs(), 0); // two waves of 1 ms: due ~2 ms after its launch
    h.gpu.launch(hp);
    h.gpu.runUntil(Double.POSITIVE_INFINITY);
    AtomResult r = h.of(hp);
    assertEquals(1, h.done.size(), "only the new kernel completes, once");
    assertEquals(abortMs + LAUNCH_MS + 2.0, r.endMs(), 1e-9, "its blocks ran their whole time: none completed by a stale event");
    assertEquals(1056 + 1056 * 2, h.gpu.telemetry().blocksRun(), "every block counted once: the first wave of the aborted kernel and all of the new one");
  }
}
