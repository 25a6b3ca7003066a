package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs only where an NVIDIA GPU is usable (skipped in CI): the full gpu-smoke suite. */
class GpuBackendTest {
  @Test void smokeChecksPassOnTheGpuAtHand(@TempDir Path dir) {
    String why = CudaDevice.unavailableReason();
    assumeTrue(why == null, () -> "skipped: " + why);
    try (CudaBackend b = CudaBackend.open(CudaBackend.Options.defaults())) {
      assertEquals(0, new GpuSmoke(b, dir, System.out).run());
    }
  }
}
