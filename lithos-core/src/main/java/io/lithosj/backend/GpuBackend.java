package io.lithosj.backend;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.kernel.Atom;

/**
 * A GPU that runs atoms: the modeled one ({@code backend.sim}, virtual time) or a real one
 * ({@code backend.cuda}, wall time). Policies talk to it only through {@link io.lithosj.os.PolicyContext},
 * so the same policy object drives either.
 *
 * <p>Single-threaded contract: every callback (atom completions, timers) runs on the thread that
 * called {@link #runUntil}, so policies need no locking.
 */
public interface GpuBackend extends AutoCloseable {
  GpuSpec spec();

  /** Current time in ms since the backend started (virtual or wall). */
  double nowMs();

  void setListener(AtomListener listener);

  /** Queue an atom; its blocks start when launch overhead has passed and SMs of its TPC set are free. */
  void launch(Atom atom);

  /**
   * Queue an atom whose blocks may start {@code waitUs} after now (at the earliest) instead of the
   * GPU's launch overhead: the gap of a graph-launched or already queued kernel, or a subgraph
   * launch ({@link io.lithosj.workload.Launch}). A real GPU pays its own costs: the default ignores
   * {@code waitUs}.
   */
  default void launch(Atom atom, double waitUs) { launch(atom); }

  /**
   * Kill an atom (REEF-style reset): blocks not yet started are dropped, running ones are killed and
   * their work lost. The listener hears {@link AtomListener#onAtomAborted}. No effect on finished atoms.
   */
  void abort(Atom atom);

  /** Request an SM clock; the backend clamps to a supported step. Modeled on real GPUs (never set there). */
  void setSmClockMhz(int mhz);

  int smClockMhz();

  /** Run {@code action} at time {@code atMs} (not before). */
  void at(double atMs, Runnable action);

  /** Process events until {@code endMs}; returns with everything still queued left in place. */
  void runUntil(double endMs);

  Telemetry telemetry();

  /**
   * Static memory partitioning, as MIG does: blocks on the TPCs of {@code partitions[i]} share
   * {@code bandwidthShares[i]} of DRAM bandwidth among themselves only. Backends that cannot
   * isolate bandwidth throw {@link UnsupportedOperationException}.
   */
  default void partitionMemory(java.util.List<io.lithosj.gpu.TpcSet> partitions, double[] bandwidthShares) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot partition memory bandwidth");
  }

  @Override void close();
}
