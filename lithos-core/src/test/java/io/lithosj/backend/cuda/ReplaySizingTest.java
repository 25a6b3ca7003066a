package io.lithosj.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replay sizing switch (system property lithos.replaySizing), read without a GPU. */
class ReplaySizingTest {
  @AfterEach void clear() { System.clearProperty("lithos.replaySizing"); }

  @Test void aloneIsTheDefaultAndFullCanBeAskedFor() {
    assertEquals(CudaBackend.ReplaySizing.ALONE, CudaBackend.Options.defaults().replaySizing());
    System.setProperty("lithos.replaySizing", "full");
    assertEquals(CudaBackend.ReplaySizing.FULL_RESIDENCY, CudaBackend.Options.defaults().replaySizing());
  }

  @Test void aWrongValueIsNamed() {
    System.setProperty("lithos.replaySizing", "half");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CudaBackend.Options::defaults);
    assertTrue(e.getMessage().contains("lithos.replaySizing") && e.getMessage().contains("'half'"), e.getMessage());
  }
}
