package io.lithosj.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepPlanTest {
  /** A two-tenant scenario short enough to run in a test (tens of ms of wall time per point). */
  static final String BASE = """
      { "name": "tiny", "gpu": "h100-sxm", "durationMs": 40, "warmupMs": 5, "seed": 3, "policy": { "name": "mps" },
        "tenants": [
          { "name": "hp", "priority": "HP", "sloMs": 2, "type": "inference", "arrivals": "poisson", "ratePerSec": 400,
            "kernels": [ { "name": "k", "blocks": 264, "threadsPerBlock": 256, "blockComputeUs": 20, "repeat": 4 } ] },
          { "name": "be", "priority": "BE", "type": "training",
            "kernels": [ { "name": "g", "blocks": 2112, "threadsPerBlock": 256, "blockComputeUs": 60 } ] } ] }""";

  static String sweep(String axes) {
    return "{ \"name\": \"t\", \"base\": " + BASE + ", \"policies\": [\"mps\", \"lithos\"], \"axes\": [" + axes + "] }";
  }

  static SweepPlan plan(String axes) { return SweepPlan.of(SweepSpec.parse(sweep(axes), null, "t")); }

  @Test
  void pointsArePoliciesTimesAxesWithOnlyForLeftBlank() {
    SweepPlan p = plan("""
        { "path": "tenants[0].ratePerSec", "values": [100, 300] },
        { "path": "perPolicy.lithos.atomTargetMs", "values": [0.1, 0.2, 0.4], "onlyFor": ["lithos"] },
        { "path": "seed", "values": [1, 2] }""");
    assertEquals(2 * 2 + 2 * 3 * 2, p.points().size()); // mps: rate x seed; lithos: rate x atom x seed
    assertEquals(List.of("tenants[0].ratePerSec", "perPolicy.lithos.atomTargetMs", "seed"), p.axisNames());
    SweepPoint first = p.points().get(0);
    assertEquals("mps", first.policy());
    assertEquals(List.of("100", "", "1"), first.key());
    SweepPoint last = p.points().get(p.points().size() - 1);
    assertEquals(List.of("300", "0.4", "2"), last.key());
    // the values really are in the point's scenario
    assertEquals(300.0, last.scenario().tenants().get(0).ratePerSec());
    assertEquals(2L, last.scenario().seed());
    assertEquals(0.4, ((Number) last.scenario().policyParams().get("atomTargetMs")).doubleValue());
    assertEquals("lithos", last.scenario().policyName());
    for (int i = 0; i < p.points().size(); i++) assertEquals(i, p.points().get(i).index());
  }

  @Test
  void badInputNamesItsField() {
    var e = assertThrows(IllegalArgumentException.class, () -> plan("{ \"path\": \"tenants[5].load\", \"values\": [0.1] }"));
    assertTrue(e.getMessage().contains("axes[0].values[0]") && e.getMessage().contains("past the list's end"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> plan("{ \"path\": \"tenants[0].ratePerSec\", \"values\": [-5] }"));
    assertTrue(e.getMessage().startsWith("point 0 (policy=mps, tenants[0].ratePerSec=-5): tenants[0].ratePerSec"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> plan("{ \"path\": \"perPolicy.lithos.noSuch\", \"values\": [1] }"));
    assertTrue(e.getMessage().contains("perPolicy.lithos.noSuch"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> plan("{ \"path\": \"a..b\", \"values\": [1] }"));
    assertTrue(e.getMessage().startsWith("axes[0].path"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> plan("{ \"path\": \"seed\", \"values\": [] }"));
    assertTrue(e.getMessage().startsWith("axes[0].values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> plan("{ \"path\": \"seed\", \"values\": [1], \"onlyFor\": [\"reef\"] }"));
    assertTrue(e.getMessage().contains("'reef' is not one of the sweep's policies"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.parse("{ \"base\": {}, \"axis\": [] }", null, "x"));
    assertTrue(e.getMessage().startsWith("axis: unknown field"), e.getMessage());
    // read as strictly as a scenario: a duplicate key, text after the object, an endless file
    e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.parse("{ \"name\": \"a\", \"name\": \"b\" }", null, "x"));
    assertTrue(e.getMessage().startsWith("malformed JSON (line 1): Duplicate field 'name'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.parse(sweep("") + " {}", null, "x"));
    assertTrue(e.getMessage().startsWith("malformed JSON") && e.getMessage().contains("Trailing token"), e.getMessage());
    if (java.nio.file.Files.exists(java.nio.file.Path.of("/dev/zero"))) {
      e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.load(java.nio.file.Path.of("/dev/zero")));
      assertTrue(e.getMessage().equals("/dev/zero is larger than 16 MiB, the limit for a sweep file"), e.getMessage());
    }
  }

  @Test
  void localRunIsTheSameOnOneThreadOrTwoAndCsvIsExact() {
    SweepPlan p = plan("{ \"path\": \"seed\", \"values\": [1, 2] }");
    SweepResult one = new LocalRunner(1).sweep(p, s -> {});
    SweepResult two = new LocalRunner(2).sweep(p, s -> {});
    assertEquals(one, two);
    assertEquals(one.toCsv(), two.toCsv());
    assertEquals(4 * 2, one.rows().size()); // 4 points x 2 tenants
    // the seed axis replaces the run's seed column; the key column holds it
    assertEquals(List.of("point", "policy", "seed", "tenant"), one.header().subList(0, 4));
    assertEquals(one.rows().size(), one.table().rowCount());
    // a point's rows are its run's: a different seed gives a different HP arrival count
    assertTrue(one.rows().get(0).arrived() != one.rows().get(2).arrived() || one.rows().get(0).p50Ms() != one.rows().get(2).p50Ms());
  }

  @Test
  void aSparkMasterNeedsTheSparkJarAndSaysSo() {
    assertTrue(Runners.of(null) instanceof LocalRunner);
    assertTrue(Runners.of(Runners.IN_PROCESS) instanceof LocalRunner);
    var e = assertThrows(IllegalStateException.class, () -> Runners.of("spark://127.0.0.1:7077"));
    assertTrue(e.getMessage().contains("lithos-spark.jar"), e.getMessage());
  }
}
