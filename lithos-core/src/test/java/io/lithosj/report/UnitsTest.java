package io.lithosj.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class UnitsTest {
  @Test
  void threeSignificantDigitsPlainlyWritten() {
    assertEquals("2.82", Units.sig3(2.823));
    assertEquals("2670", Units.sig3(2670.591));
    assertEquals("0.000123", Units.sig3(0.00012345));
    assertEquals("200", Units.sig3(200.00000000000276));
    assertEquals("1", Units.sig3(0.9999));
    assertEquals("-", Units.sig3(Double.NaN));
    assertEquals("0", Units.sig3(0));
    assertEquals("-3.14", Units.sig3(-3.14159));
  }

  @Test
  void sharesArePercentsAndRatiosCarryAnX() {
    assertEquals("93.3%", Units.format("tpcUtilization", 0.9325508128621696));
    assertEquals("98.9%", Units.format("sloAttainment", 0.9887640449438202));
    assertEquals("1.96x", Units.format("p99OverSolo", 1.962561041779707));
    assertEquals("0.885x", Units.format("normalizedThroughput", 0.8846782705616419));
    assertEquals("34.8", Units.format("throughputPerSec", 34.81481481481481));
    assertEquals("p99 ms", Units.header("p99Ms"));
    assertEquals("throughput /s", Units.header("throughputPerSec"));
    assertEquals("energy J", Units.header("energyJ"));
    assertEquals("sloAttainment %", Units.header("sloAttainment"));
  }

  @Test
  void aTextTableFormatsNumbersButLeavesTheTableAtFullPrecision() {
    Table t = Table.create("t", StringColumn.create("tenant", List.of("hp", "be")),
        LongColumn.create("arrived", 540, 95), DoubleColumn.create("p99Ms", new double[] {2.8231, Double.NaN}),
        DoubleColumn.create("sloAttainment", new double[] {1, Double.NaN}));
    String text = TextTable.render(t);
    assertEquals(List.of("t", "tenant  arrived  p99 ms  sloAttainment %", "------  -------  ------  ---------------",
        "hp          540    2.82             100%", "be           95       -                -"), text.lines().toList());
    assertEquals(2.8231, t.doubleColumn("p99Ms").get(0), "the table keeps full precision");
  }

  @Test
  void suggestionsAreNearNamesOnly() {
    List<String> policies = List.of("time-slicing", "mps", "priority", "mig", "tgs", "orion", "reef", "lithos");
    assertEquals(List.of("lithos"), Suggestions.near("lithso", policies));
    assertEquals(List.of("mps"), Suggestions.near("mp", policies), "a prefix counts; mig is 2 edits from mp");
    assertEquals(List.of("time-slicing"), Suggestions.near("timeslicing", policies));
    assertEquals(List.of(), Suggestions.near("zzzzzz", policies));
    assertEquals("; did you mean orion?", Suggestions.didYouMean("Orian", policies));
    assertTrue(Suggestions.didYouMean("completely-else", policies).isEmpty());
  }
}
