package io.lithosj.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device pointer whose address can be written into a kernel-parameter buffer: launches then
 * pass one direct buffer instead of one pinned Java array per parameter (JCuda's slow path).
 */
public final class DevPtr extends CUdeviceptr {
  /** The device address (JCuda keeps it in a protected field). */
  public long address() { return getNativePointer(); }
}
