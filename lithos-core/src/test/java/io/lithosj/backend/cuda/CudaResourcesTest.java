package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.lithosj.gpu.GpuSpec;
import io.lithosj.gpu.TpcSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What must hold on every machine, GPU or not: the PTX ships, and no GPU means one sentence. */
class CudaResourcesTest {
  @Test void ptxForBothGenerationsHoldsEveryKernel() {
    for (String res : List.of("ptx/lithos_kernels_sm90.ptx", "ptx/lithos_kernels_sm80.ptx")) {
      String ptx = new String(KernelLibrary.readResource(res), StandardCharsets.US_ASCII);
      assertTrue(ptx.contains(".version 8.0"), res + " should claim PTX ISA 8.0 (CUDA 12 drivers)");
      for (LibKernel k : LibKernel.values()) {
        assertTrue(ptx.contains(".entry " + k.symbol + "("), res + " lacks " + k.symbol);
      }
      assertTrue(ptx.contains("%smid"), res + " does not read %smid: kernels would not be TPC-masked");
      assertTrue(ptx.contains("%globaltimer"), res + " does not read %globaltimer");
    }
  }

  @Test void ptxIsChosenByComputeCapability() {
    assertEquals("ptx/lithos_kernels_sm90.ptx", KernelLibrary.ptxResourceFor(9, 0));
    assertEquals("ptx/lithos_kernels_sm90.ptx", KernelLibrary.ptxResourceFor(10, 0));
    assertEquals("ptx/lithos_kernels_sm80.ptx", KernelLibrary.ptxResourceFor(8, 6));
    var e = assertThrows(CudaUnavailableException.class, () -> KernelLibrary.ptxResourceFor(7, 5));
    assertTrue(e.getMessage().contains("7.5"));
  }

  @Test void withoutAGpuTheBackendFailsWithOneSentence() {
    String why = CudaDevice.unavailableReason();
    assumeFalse(why == null, "a GPU is usable here; GpuBackendTest covers it");
    assertFalse(why.contains("\n"));
    assertTrue(why.endsWith("."), why);
    var e = assertThrows(CudaUnavailableException.class, () -> CudaBackend.open(CudaBackend.Options.defaults()));
    assertEquals(why, e.getMessage());
    // and the runner's reflective entry point says the same
    var e2 = assertThrows(CudaUnavailableException.class, () -> new CudaBackend(GpuSpec.H100_SXM));
    assertEquals(why, e2.getMessage());
  }

  @Test void libraryLaunchValidatesItsShape() {
    assertThrows(IllegalArgumentException.class, () -> LibraryLaunch.fma(100, 8, 1));
    assertThrows(IllegalArgumentException.class, () -> LibraryLaunch.fma(256, 33, 1));
    assertThrows(IllegalArgumentException.class, () -> new LibraryLaunch(LibKernel.FMA_PLAIN, 256, 8, 1, 0, 0));
    assertEquals(32L * 100, LibraryLaunch.stream(256, 8, 100).blockDramBytes());
  }

  @Test void busyTpcTimeCountsOverlapsOnceInAnyOrder() {
    BusyTime b = new BusyTime(4);
    b.add(0, 10, TpcSet.range(0, 2));   // TPCs 0,1 busy 0-10
    b.add(5, 15, TpcSet.range(1, 3));   // TPC 1 overlaps 5-10; TPC 2 busy 5-15
    b.add(20, 21, TpcSet.of(0));
    // TPC0: 10 + 1, TPC1: 0-15 = 15, TPC2: 10
    assertEquals(36, b.totalMs(), 1e-9);
    b.add(12, 13, TpcSet.of(0));        // out of order, in a gap: +1
    b.add(9, 20.5, TpcSet.of(0));       // bridges 0-10, 12-13 and 20-21 into 0-21
    b.add(3, 4, TpcSet.of(2));          // before everything on TPC 2: +1
    assertEquals(21 + 15 + 11, b.totalMs(), 1e-9);
    for (int i = 0; i < 100; i++) b.add(100 + i, 100.5 + i, TpcSet.of(3)); // grows past its first arrays
    assertEquals(47 + 50, b.totalMs(), 1e-9);
    BusyTime longRun = new BusyTime(2); // 60 s of 0.5 ms busy per ms: old intervals are dropped, time kept
    for (int i = 0; i < 60_000; i++) longRun.add(i, i + 0.5, TpcSet.range(0, 2));
    assertEquals(2 * 30_000, longRun.totalMs(), 1e-6);
  }
}
