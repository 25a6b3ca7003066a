package io.lithosj.backend.cuda;

import jcuda.driver.CUresult;

/** A CUDA driver call returned an error; the message names the call and the error. */
public final class CudaException extends RuntimeException {
  private final int result;

  public CudaException(String call, int result) {
    super(call + " failed: " + CUresult.stringFor(result) + " (" + result + ")");
    this.result = result;
  }

  /** The {@code CUresult} code. */
  public int result() { return result; }

  /** Throws unless {@code result} is {@code CUDA_SUCCESS}. */
  public static void check(int result, String call) {
    if (result != CUresult.CUDA_SUCCESS) throw new CudaException(call, result);
  }
}
