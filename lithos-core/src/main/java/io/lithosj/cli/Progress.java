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
  private int lastPct = -1;

  Progress(String label) { this.label = label; }

  void update(double fraction) {
    int pct = (int) Math.round(fraction * 100);
    if (pct == lastPct) return;
    lastPct = pct;
    err.print("\r" + label + " " + pct + "%");
    err.flush();
  }

  void done(String summary) {
    err.println("\r" + label + " done: " + summary);
  }
}
