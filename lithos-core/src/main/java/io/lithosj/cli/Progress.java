package io.lithosj.cli;

import io.lithosj.progress.ProgressState;
import java.io.PrintStream;

/** A one-line progress indicator on stderr for long runs: percent done, elapsed time and time left. */
class Progress {
  static final Progress NONE = new Progress(null) {
    @Override void update(double fraction) {}
    @Override void done(String summary) {}
  };

  private final String label;
  private final PrintStream err = System.err;
  private final boolean terminal = System.console() != null;
  private final long startNanos = System.nanoTime();
  private int lastPct = -1;

  Progress(String label) { this.label = label; }

  void update(double fraction) {
    int pct = (int) Math.round(fraction * 100);
    if (pct == lastPct || (!terminal && pct % 25 != 0)) return; // logs get a line per quarter
    lastPct = pct;
    String line = new ProgressState(label, fraction, fraction >= 1 ? 1 : 0, 1, (System.nanoTime() - startNanos) / 1e9, false)
        .toString();
    if (terminal) {
      err.print("\r" + line + "\033[K"); // erase what a longer previous line left
    } else if (pct < 100) {
      err.println(line);
    }
    err.flush();
  }

  void done(String summary) {
    err.println((terminal ? "\r" : "") + label + " done: " + summary + (terminal ? "\033[K" : ""));
  }
}
