package io.lithosj.backend.cuda;

/**
 * No usable NVIDIA GPU: the driver library is missing, it sees no device, or the device is too
 * old. The message is one sentence meant for the user; callers print it, not the stack trace
 * (an {@link IllegalStateException}, so {@code lithos} prints just the sentence).
 */
public final class CudaUnavailableException extends IllegalStateException {
  public CudaUnavailableException(String sentence) { super(sentence); }
}
