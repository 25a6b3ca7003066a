package io.lithosj.progress;

import java.util.Locale;

/** Wall time as people read it: "0.4 s", "12 s", "2 min 05 s", "1 h 03 min". */
public final class Durations {
  private Durations() {}

  public static String format(double seconds) {
    if (!(seconds >= 0)) return "?";
    if (seconds < 10) return String.format(Locale.ROOT, "%.1f s", seconds);
    long s = Math.round(seconds);
    if (s < 60) return s + " s";
    if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
