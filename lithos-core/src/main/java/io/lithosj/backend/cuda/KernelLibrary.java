package io.lithosj.backend.cuda;

import static io.lithosj.backend.cuda.CudaException.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The PTX kernel library loaded into a device's context. The PTX is a jar resource
 * ({@code ptx/lithos_kernels_sm90.ptx}, {@code ..._sm80.ptx}) built by {@code scripts/build-ptx.sh},
 * so no nvcc is needed where it runs; the driver JIT-compiles it for the GPU at hand.
 */
public final class KernelLibrary {
  /** PTX generations shipped, newest first; a GPU uses the newest one it can run. */
  static final int[] PTX_ARCHS = {90, 80};

  private final CudaDevice device;
  private final CUmodule module = new CUmodule();
  private final Map<LibKernel, CUfunction> functions = new EnumMap<>(LibKernel.class);
  private final Map<Long, Integer> smemCache = new HashMap<>();
  private final Map<LibKernel, Integer> maxDynSmem = new EnumMap<>(LibKernel.class);
  public final String ptxResource;

  public KernelLibrary(CudaDevice device) {
    this.device = device;
    device.makeCurrent();
    ptxResource = ptxResourceFor(device.ccMajor, device.ccMinor);
    byte[] ptx = readResource(ptxResource);
    byte[] image = new byte[ptx.length + 1]; // the driver wants a NUL-terminated image
    System.arraycopy(ptx, 0, image, 0, ptx.length);
    check(JCudaDriver.cuModuleLoadData(module, image), "cuModuleLoadData(" + ptxResource + ")");
    for (LibKernel k : LibKernel.values()) {
      CUfunction f = new CUfunction();
      check(JCudaDriver.cuModuleGetFunction(f, module, k.symbol), "cuModuleGetFunction(" + k.symbol + ")");
      if (k.atomAware) {
        // Residency is capped with dynamic shared memory (see smemForResidency), so allow all a
        // block may opt in to beside its static shared memory, with the largest carveout.
        int[] staticSmem = new int[1];
        check(JCudaDriver.cuFuncGetAttribute(staticSmem, CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, f),
            "cuFuncGetAttribute(" + k.symbol + ", SHARED_SIZE_BYTES)");
        int dyn = device.maxSmemPerBlockOptinBytes - staticSmem[0];
        maxDynSmem.put(k, dyn);
        check(JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, dyn),
            "cuFuncSetAttribute(" + k.symbol + ", MAX_DYNAMIC_SHARED_SIZE_BYTES)");
        check(JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, 100),
            "cuFuncSetAttribute(" + k.symbol + ", PREFERRED_SHARED_MEMORY_CARVEOUT)");
      }
      functions.put(k, f);
    }
  }

  /** The PTX resource for a compute capability; throws {@link CudaUnavailableException} below 8.0. */
  public static String ptxResourceFor(int ccMajor, int ccMinor) {
    int cc = ccMajor * 10 + ccMinor;
    for (int arch : PTX_ARCHS) {
      if (cc >= arch) return "ptx/lithos_kernels_sm" + arch + ".ptx";
    }
    throw new CudaUnavailableException("GPUs of compute capability " + ccMajor + "." + ccMinor
        + " are not supported by the CUDA backend (it ships PTX for 8.0 and 9.0).");
  }

  public static byte[] readResource(String name) {
    try (InputStream in = KernelLibrary.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("resource " + name + " missing from the classpath (rebuild with scripts/build-ptx.sh)");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading resource " + name, e);
    }
  }

  public CUfunction function(LibKernel k) { return functions.get(k); }

  public int registers(LibKernel k) {
    int[] v = new int[1];
    check(JCudaDriver.cuFuncGetAttribute(v, CUfunction_attribute.CU_FUNC_ATTRIBUTE_NUM_REGS, function(k)),
        "cuFuncGetAttribute(" + k.symbol + ", NUM_REGS)");
    return v[0];
  }

  /** Blocks of {@code k} resident per SM with {@code threads} threads and {@code smemBytes} dynamic shared memory. */
  public int occupancy(LibKernel k, int threads, int smemBytes) {
    int[] v = new int[1];
    check(JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(v, function(k), threads, smemBytes),
        "cuOccupancyMaxActiveBlocksPerMultiprocessor(" + k.symbol + ", " + threads + " threads, " + smemBytes + " B)");
    return v[0];
  }

  /**
   * The smallest dynamic shared memory that limits {@code k} to at most {@code blocksPerSm}
   * resident blocks per SM: how the backend gives a replayed kernel the residency (and so
   * the wave structure) of the modeled kernel. Found by bisection on the occupancy API, so it
   * holds whatever the carveout granularity and per-block reservation are.
   */
  public int smemForResidency(LibKernel k, int threads, int blocksPerSm) {
    long key = ((long) k.ordinal() << 40) | ((long) threads << 20) | blocksPerSm;
    Integer cached = smemCache.get(key);
    if (cached != null) return cached;
    int lo = 0, hi = maxDynSmem.get(k);
    int result;
    if (occupancy(k, threads, 0) <= blocksPerSm) {
      result = 0;
    } else {
      if (occupancy(k, threads, hi) > blocksPerSm) {
        throw new IllegalStateException(k.symbol + " cannot be limited to " + blocksPerSm + " blocks/SM with "
            + threads + " threads");
      }
      while (hi - lo > 128) { // invariant: occ(lo) > target, occ(hi) <= target
        int mid = (lo + hi) >>> 1;
        if (occupancy(k, threads, mid) > blocksPerSm) lo = mid; else hi = mid;
      }
      result = hi;
    }
    smemCache.put(key, result);
    return result;
  }

  public void unload() {
    JCudaDriver.cuModuleUnload(module);
  }
}
