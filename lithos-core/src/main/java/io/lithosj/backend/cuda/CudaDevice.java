package io.lithosj.backend.cuda;

import static io.lithosj.backend.cuda.CudaException.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device with its primary context, plus the memory allocated through it (freed on
 * {@link #close}). Driver API only (JCuda), so no CUDA toolkit is needed at run time.
 * The context is bound per thread: call {@link #makeCurrent} on any thread before CUDA calls.
 */
public final class CudaDevice implements AutoCloseable {
  public final int ordinal;
  public final String name;
  public final int smCount;
  public final int ccMajor;
  public final int ccMinor;
  public final int maxThreadsPerSm;
  public final int maxBlocksPerSm;
  public final int maxSmemPerSmBytes;
  public final int reservedSmemPerBlockBytes;
  /** Largest shared memory one block may ask for (static + dynamic, with the opt-in attribute). */
  public final int maxSmemPerBlockOptinBytes;
  public final int driverVersion;
  /** CUDA stream priorities: {@code leastPriority} (numerically largest, e.g. 0) .. {@code greatestPriority} (e.g. -5). */
  public final int leastPriority;
  public final int greatestPriority;
  public final String pciBusId;

  private final CUdevice device;
  private final CUcontext context;
  private final List<CUdeviceptr> deviceAllocs = new ArrayList<>();
  private final List<Pointer> hostAllocs = new ArrayList<>();
  private boolean closed;

  private CudaDevice(int ordinal) {
    this.ordinal = ordinal;
    device = new CUdevice();
    check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
    byte[] nameBytes = new byte[256];
    check(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
    name = cString(nameBytes);
    smCount = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    ccMajor = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    ccMinor = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    maxThreadsPerSm = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR);
    maxBlocksPerSm = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR);
    maxSmemPerSmBytes = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR);
    reservedSmemPerBlockBytes = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK);
    maxSmemPerBlockOptinBytes = attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
    if (attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY) == 0) {
      throw new CudaUnavailableException("GPU " + name + " cannot map host memory, which the CUDA backend needs for completions.");
    }
    pciBusId = String.format("%08x:%02x:%02x.0",
        attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID),
        attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PCI_BUS_ID),
        attr(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID));
    int[] v = new int[1];
    check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
    driverVersion = v[0];
    context = new CUcontext();
    check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    makeCurrent();
    int[] least = new int[1], greatest = new int[1];
    check(JCudaDriver.cuCtxGetStreamPriorityRange(least, greatest), "cuCtxGetStreamPriorityRange");
    leastPriority = least[0];
    greatestPriority = greatest[0];
  }

  /**
   * Opens device {@code ordinal}, or throws {@link CudaUnavailableException} with one sentence
   * saying why there is no usable GPU (no driver, no device, too old).
   */
  public static CudaDevice open(int ordinal) {
    initDriver();
    int[] count = new int[1];
    check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
    if (ordinal < 0 || ordinal >= count[0]) {
      throw new CudaUnavailableException("CUDA device " + ordinal + " does not exist (this machine has " + count[0] + ").");
    }
    CudaDevice d = new CudaDevice(ordinal);
    if (d.ccMajor < 8) {
      d.close();
      throw new CudaUnavailableException("GPU " + d.name + " has compute capability " + d.ccMajor + "." + d.ccMinor
          + "; the CUDA backend needs 8.0 (A100) or newer.");
    }
    return d;
  }

  /** Loads JCuda and runs cuInit, turning every way of failing into one clear sentence. */
  static void initDriver() {
    int r;
    try {
      JCudaDriver.setExceptionsEnabled(false);
      r = JCudaDriver.cuInit(0);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      throw new CudaUnavailableException("No NVIDIA GPU is usable here: the CUDA driver library (libcuda.so.1) "
          + "could not be loaded, so the modeled GPU is the only backend on this machine.");
    }
    if (r == CUresult.CUDA_ERROR_NO_DEVICE) {
      throw new CudaUnavailableException("No NVIDIA GPU is usable here: the CUDA driver is installed but sees no GPU.");
    }
    if (r != CUresult.CUDA_SUCCESS) {
      throw new CudaUnavailableException("No NVIDIA GPU is usable here: cuInit failed with "
          + CUresult.stringFor(r) + " (driver too old for CUDA 12, or GPU not accessible).");
    }
  }

  /** Null if a GPU is usable; otherwise the one sentence saying why not. Opens nothing that stays open. */
  public static String unavailableReason() {
    try {
      initDriver();
      int[] count = new int[1];
      check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
      return count[0] > 0 ? null : "No NVIDIA GPU is usable here: the CUDA driver sees no GPU.";
    } catch (CudaUnavailableException | CudaException e) {
      return e.getMessage();
    }
  }

  public void makeCurrent() {
    check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }

  public int attr(int attribute) {
    int[] v = new int[1];
    check(JCudaDriver.cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
    return v[0];
  }

  public int tpcCount() { return smCount / 2; }

  /** Device memory, zeroed; freed on close. */
  public DevPtr alloc(long bytes) {
    DevPtr p = new DevPtr();
    check(JCudaDriver.cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + " bytes)");
    deviceAllocs.add(p);
    if (bytes % 4 == 0) check(JCudaDriver.cuMemsetD32(p, 0, bytes / 4), "cuMemsetD32");
    return p;
  }

  /** Pinned host memory mapped into the device address space (zero-copy), zeroed; freed on close. */
  public Mapped allocMapped(long bytes) {
    Pointer host = new Pointer();
    check(JCudaDriver.cuMemHostAlloc(host, bytes, JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP | JCudaDriver.CU_MEMHOSTALLOC_PORTABLE),
        "cuMemHostAlloc(" + bytes + " bytes)");
    hostAllocs.add(host);
    DevPtr dev = new DevPtr();
    check(JCudaDriver.cuMemHostGetDevicePointer(dev, host, 0), "cuMemHostGetDevicePointer");
    ByteBuffer buf = host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    for (int i = 0; i < bytes; i++) buf.put(i, (byte) 0);
    return new Mapped(host, dev, buf);
  }

  /** A host-mapped buffer: {@code host} for copies, {@code device} for kernels, {@code buffer} to read/write here. */
  public record Mapped(Pointer host, DevPtr device, ByteBuffer buffer) {}

  public void copyToHost(int[] dst, CUdeviceptr src) {
    check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), src, 4L * dst.length), "cuMemcpyDtoH");
  }

  public void fill(CUdeviceptr p, int value, long words) {
    check(JCudaDriver.cuMemsetD32(p, value, words), "cuMemsetD32");
  }

  public void synchronize() {
    check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
  }

  public String driverVersionString() {
    return (driverVersion / 1000) + "." + (driverVersion % 1000) / 10;
  }

  @Override public void close() {
    if (closed) return;
    closed = true;
    makeCurrent();
    JCudaDriver.cuCtxSynchronize(); // best effort: free after outstanding work
    for (CUdeviceptr p : deviceAllocs) JCudaDriver.cuMemFree(p);
    for (Pointer p : hostAllocs) JCudaDriver.cuMemFreeHost(p);
    deviceAllocs.clear();
    hostAllocs.clear();
    JCudaDriver.cuDevicePrimaryCtxRelease(device);
  }

  static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) n++;
    return new String(b, 0, n, StandardCharsets.US_ASCII).trim();
  }

  @Override public String toString() {
    return name + " (cc " + ccMajor + "." + ccMinor + ", " + smCount + " SMs, driver CUDA " + driverVersionString() + ")";
  }
}
