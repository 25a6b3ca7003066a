package io.lithosj.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.Scenarios;
import io.lithosj.experiment.TenantMetrics;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The tenant x policy comparison: its rows, its ratios against each tenant alone, its text. */
class ComparisonTest {
  static Scenario demo;
  static Comparison c;

  @BeforeAll
  static void run() {
    demo = Scenarios.stackingDemo().withDurationMs(300, 30);
    c = Comparison.run(demo, List.of("mps", "lithos"));
  }

  @Test
  void oneRowPerTenantAndPolicyEachTenantsRowsTogether() {
    Table t = c.table();
    assertEquals(List.of("tenant", "class", "policy", "queue", "p50Ms", "p99Ms", "p99OverSolo", "sloAttainment",
        "throughputPerSec", "normalizedThroughput"), t.columnNames());
    assertEquals(List.of("hp-infer", "hp-infer", "be-train", "be-train"), t.stringColumn("tenant").asList());
    assertEquals(List.of("mps", "lithos", "mps", "lithos"), t.stringColumn("policy").asList());
  }

  @Test
  void ratiosAreAgainstTheSameTenantAloneUnderMpsWithTheSameSeed() {
    TenantMetrics hpAlone = Runner.run(demo.onlyTenants("hp-infer").withPolicy("mps")).tenant("hp-infer");
    TenantMetrics beAlone = Runner.run(demo.onlyTenants("be-train").withPolicy("mps")).tenant("be-train");
    assertEquals(hpAlone, c.alone().get("hp-infer"));
    RunResult lithos = c.runs().get(1);
    Table t = c.table();
    assertEquals(lithos.tenant("hp-infer").p99OrBoundMs() / hpAlone.p99OrBoundMs(), t.doubleColumn("p99OverSolo").get(1), 1e-12);
    assertEquals(lithos.tenant("be-train").progressPerSec() / beAlone.progressPerSec(), t.doubleColumn("normalizedThroughput").get(3), 1e-12);
    assertEquals(lithos.tenant("hp-infer").sloAttainment(), t.doubleColumn("sloAttainment").get(1));
    // An unstable queue has no p99 (NaN), but its ratio uses the lower bound, so the overload shows.
    TenantMetrics mpsHp = c.runs().get(0).tenant("hp-infer");
    assertTrue(!mpsHp.stable() && t.doubleColumn("p99Ms").isMissing(0) && t.doubleColumn("p99OverSolo").get(0) > 10,
        "MPS starves the demo's HP tenant behind the training kernels: " + mpsHp);
  }

  @Test
  void gpuWideMetricsAreOneRowPerPolicyNotPerTenant() {
    Table g = c.gpuTable();
    assertEquals(List.of("mps", "lithos"), g.stringColumn("policy").asList());
    assertEquals(c.runs().get(1).energyJ(), g.doubleColumn("energyJ").get(1));
    assertTrue(!c.runs().get(0).table().columnNames().contains("energyJ"), "tenant tables hold tenant metrics only");
    assertEquals("modeled h100-sxm (sim)", g.stringColumn("gpu").get(0));
  }

  @Test
  void theTextViewIsFormattedByUnit() {
    String text = Display.displayText(c);
    assertTrue(text.contains("p99OverSolo") && text.contains("tpcUtilization %") && text.contains("energy J"), text);
    assertTrue(text.lines().noneMatch(l -> l.matches(".*\\d\\.\\d{4,}.*")), "no long decimals: " + text);
  }
}
