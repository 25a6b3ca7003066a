package io.lithosj.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackingTest {
  static FleetTenant hp(String id, double util) { return new FleetTenant(id, "s", false, JsonNodeFactory.instance.objectNode(), util); }

  static FleetTenant be(String id, double util) { return new FleetTenant(id, "t", true, JsonNodeFactory.instance.objectNode(), util); }

  static List<List<String>> ids(List<List<FleetTenant>> gpus) {
    return gpus.stream().map(g -> g.stream().map(FleetTenant::id).toList()).toList();
  }

  @Test
  void firstFitDecreasingThenTrainingFillsGpusInOrder() {
    List<FleetTenant> t = List.of(hp("a", 0.3), hp("b", 0.6), hp("c", 0.5), hp("d", 0.2), be("x", 0.9), be("y", 0.8), be("z", 0.7));
    // services: b(0.6) -> g0; c(0.5) -> g1; a(0.3) -> g0 (0.9); d(0.2) -> g1 (0.7); training one per GPU, then a new GPU
    assertEquals(List.of(List.of("b", "a", "x"), List.of("c", "d", "y"), List.of("z")),
        ids(Packing.firstFitDecreasing(t, 1.0, 1, g -> true)));
    // a policy that serves at most two tenants a GPU
    assertEquals(List.of(List.of("b", "a"), List.of("c", "d"), List.of("x"), List.of("y"), List.of("z")),
        ids(Packing.firstFitDecreasing(t, 1.0, 1, g -> g.size() <= 2)));
  }

  @Test
  void splitBalancesServicesAndSendsTrainingToTheLighterHalf() {
    // b(0.6) -> A, c(0.5) -> B, d(0.2) -> B (lighter), a(0.1) -> A: 0.7 each; the training job then goes to the first on the tie
    assertEquals(List.of(List.of("b", "a", "x"), List.of("c", "d")),
        ids(Packing.split(List.of(hp("a", 0.1), hp("b", 0.6), hp("c", 0.5), hp("d", 0.2), be("x", 0.9)))));
    assertEquals(List.of(List.of("b"), List.of("c", "a", "x")), // B is lighter (0.55): the training job goes there
        ids(Packing.split(List.of(hp("a", 0.05), hp("b", 0.6), hp("c", 0.5), be("x", 0.9)))));
    assertEquals(List.of(List.of("a"), List.of("x")), ids(Packing.split(List.of(hp("a", 0.1), be("x", 0.9)))));
    assertEquals(List.of(List.of("a"), List.of("b")), ids(Packing.split(List.of(hp("a", 0.2), hp("b", 0.2)))));
    assertThrows(IllegalArgumentException.class, () -> Packing.split(List.of(hp("a", 0.1))));
  }
}
