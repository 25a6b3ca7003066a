package io.lithosj.progress;

import java.util.Objects;
import java.util.function.Function;

/**
 * Where progress goes when the caller asked for none, e.g. {@code Sweep.run(scenarios)} in a notebook
 * cell: the notebook kernel installs a provider that opens a display updated in place, so a cell that
 * runs for a minute shows how far it is without the notebook asking. Outside a kernel nothing is
 * installed and such progress is dropped, as before.
 */
public final class AmbientProgress {
  private static volatile Function<String, ProgressListener> provider = label -> ProgressListener.NONE;

  private AmbientProgress() {}

  /** A listener for new work called {@code label}; {@link ProgressListener#NONE} when nobody shows progress. */
  public static ProgressListener open(String label) {
    ProgressListener l = provider.apply(label);
    return l == null ? ProgressListener.NONE : l;
  }

  /** Installs {@code p} and returns the provider it replaces (to put back). */
  public static Function<String, ProgressListener> install(Function<String, ProgressListener> p) {
    Function<String, ProgressListener> old = provider;
    provider = Objects.requireNonNull(p, "provider");
    return old;
  }
}
