package io.lithosj.progress;

import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;

/**
 * Counts the units of one piece of work as threads report them and tells a listener, at most every
 * {@code minIntervalMs} while the work runs (a run reports 20 steps; a sweep of 40 runs on 16 threads
 * would otherwise flood a notebook), always when a unit completes and once at the end.
 */
public final class ProgressTracker {
  private final String label;
  private final double[] fractions;
  private final ProgressListener listener;
  private final long minIntervalNanos;
  private final LongSupplier clock;
  private final long startNanos;
  private long lastSentNanos = Long.MIN_VALUE;
  private int finished;
  private boolean over;

  public ProgressTracker(String label, int total, ProgressListener listener, long minIntervalMs) {
    this(label, total, listener, minIntervalMs, System::nanoTime);
  }

  /** With a clock of nanoseconds, so tests can make time pass. */
  public ProgressTracker(String label, int total, ProgressListener listener, long minIntervalMs, LongSupplier clock) {
    if (total < 0) throw new IllegalArgumentException("total must be at least 0, got " + total);
    this.label = label;
    this.fractions = new double[total];
    this.listener = listener;
    this.minIntervalNanos = minIntervalMs * 1_000_000L;
    this.clock = clock;
    this.startNanos = clock.getAsLong();
  }

  /** What unit {@code i} reports as it advances: its fraction done, 0..1. */
  public DoubleConsumer unit(int i) {
    return f -> advance(i, f);
  }

  public void advance(int unit, double fraction) {
    ProgressState s;
    synchronized (this) {
      if (over) return;
      double f = Math.max(0, Math.min(1, fraction));
      boolean completes = f >= 1 && fractions[unit] < 1;
      fractions[unit] = Math.max(fractions[unit], f);
      if (completes) finished++;
      long now = clock.getAsLong();
      if (!completes && lastSentNanos != Long.MIN_VALUE && now - lastSentNanos < minIntervalNanos) return;
      lastSentNanos = now;
      s = state(now);
    }
    listener.onProgress(s); // outside the lock: a slow display must not hold up the other threads
  }

  /** Marks unit {@code i} complete (a run that ended without reporting 1.0, e.g. after its drain). */
  public void complete(int unit) {
    advance(unit, 1);
  }

  /** Ends the work; the listener hears a final state with {@code over} set. Later reports are ignored. */
  public void finish() {
    ProgressState s;
    synchronized (this) {
      if (over) return;
      over = true;
      s = state(clock.getAsLong());
    }
    listener.onProgress(s);
  }

  private ProgressState state(long now) {
    double done = 0;
    for (double f : fractions) done += f;
    return new ProgressState(label, done, finished, fractions.length, (now - startNanos) / 1e9, over);
  }
}
