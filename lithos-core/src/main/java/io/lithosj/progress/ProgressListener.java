package io.lithosj.progress;

/** Hears the state of one piece of long work; called from the threads doing the work, so it must be thread-safe. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = state -> {};

  void onProgress(ProgressState state);
}
