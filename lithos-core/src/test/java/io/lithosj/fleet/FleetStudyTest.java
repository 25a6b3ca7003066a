package io.lithosj.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.sweep.LocalRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetStudyTest {
  /** Three small services and two training jobs with long kernels: MPS must split, LithOS need not. */
  static String tinyFleet() throws IOException {
    return Files.readString(Path.of("../datasets/fleets/tiny-fleet.json"));
  }

  @Test
  void everyTenantPlacedOnceEveryStackCheckedAndLithosNeedsFewerGpusThanMps() throws IOException {
    FleetSpec spec = FleetSpec.parse(tinyFleet(), "tiny");
    FleetResult r = FleetStudy.run(spec, new LocalRunner(2), s -> {});
    for (var e : r.packing().entrySet()) {
      List<String> placed = new ArrayList<>();
      for (FleetStudy.Gpu g : e.getValue()) {
        g.tenants().forEach(t -> placed.add(t.id()));
        // a stack that stayed is one that met the SLO, or a single tenant that could not be split
        assertTrue(FleetStudy.meets(g, spec.sloTarget()) || g.tenants().size() == 1, e.getKey() + " " + g);
        assertEquals(g.tenants().size(), g.rows().size());
      }
      assertEquals(List.of("svc-1", "svc-2", "svc-3", "train-1", "train-2"), placed.stream().sorted().toList(), e.getKey());
    }
    var s = r.summaries();
    assertEquals(List.of("dedicated", "mps", "lithos"), s.stream().map(FleetResult.Summary::policy).toList());
    assertEquals(5, s.get(0).gpus());
    // MPS puts the services behind the training job's long kernels and has to split; LithOS keeps them stacked
    assertTrue(s.get(1).gpus() > s.get(2).gpus(), r.summaryCsv());
    assertEquals(3, s.get(2).servicesMeetingSlo());
    assertTrue(r.rounds() >= 2, "MPS's first packing must have failed a check: " + r.rounds());
    // deterministic: one thread gives the same tables
    FleetResult again = FleetStudy.run(spec, new LocalRunner(1), x -> {});
    assertEquals(r.summaryCsv(), again.summaryCsv());
    assertEquals(r.gpuCsv(), again.gpuCsv());
  }

  @Test
  void badFleetNamesItsField() throws IOException {
    String ok = tinyFleet();
    var e = assertThrows(IllegalArgumentException.class, () -> FleetSpec.parse(ok.replace("\"count\": 3", "\"count\": 0"), "t"));
    assertTrue(e.getMessage().startsWith("services[0].count"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FleetSpec.parse(ok.replace("\"mps\"", "\"nope\""), "t"));
    assertTrue(e.getMessage().startsWith("policies[0]: unknown policy 'nope'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FleetSpec.parse(ok.replace("\"sloTarget\"", "\"sloTargt\""), "t"));
    assertTrue(e.getMessage().startsWith("sloTargt: unknown field"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FleetSpec.parse(ok.replace("\"name\": \"svc\"", "\"name\": \"svc-2\""), "t"));
    assertTrue(e.getMessage().startsWith("services[0].name"), e.getMessage());
    FleetSpec bad = FleetSpec.parse(ok.replace("\"ratePerSec\": 300", "\"ratePerSec\": -1"), "t");
    e = assertThrows(IllegalArgumentException.class, () -> FleetStudy.run(bad, new LocalRunner(1), s -> {}));
    assertTrue(e.getMessage().startsWith("services[0] ([svc]): tenants[0].ratePerSec"), e.getMessage());
  }
}
