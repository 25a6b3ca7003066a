package io.lithosj.cli;

import java.io.PrintStream;

/** A one-line progress indicator on stderr for long runs. */
class Progress {
  static final Progress NONE = new Progress(null) {
    @Override void update(double fraction) {}
    @Override void done(String summary) {}
  };

  private final String label;
  private final PrintStream err = System.err;
  private final boolean terminal = System.console() != null;
  private int lastPct = -1;

  Progress(String label) { this.label = label; }

  void update(double fraction) {
    int pct = (int) Math.round(fraction * 100);
    if (pct == lastPct || (!terminal && pct % 25 != 0)) return; // logs get a line per quarter
    lastPct = pct;
    if (terminal) {
      err.print("\r" + label + " " + pct + "%");
    } else if (pct < 100) {
      err.println(label + " " + pct + "%");
    }
    err.flush();
  }

  void done(String summary) {
    err.println((terminal ? "\r" : "") + label + " done: " + summary);
  }
}
