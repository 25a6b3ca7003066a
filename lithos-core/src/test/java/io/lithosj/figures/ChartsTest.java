package io.lithosj.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.experiment.Scenarios;
import io.lithosj.experiment.Sweep;
import java.awt.Color;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

class ChartsTest {
  @Test
  void barsAreLinearFromZeroAndATooShortBarIsNamedWithItsValue() {
    Map<String, List<Charts.Bar>> s = new LinkedHashMap<>();
    s.put("mps", List.of(new Charts.Bar(0.72, 0.1, false), new Charts.Bar(0.85, 0.1, false)));
    s.put("tgs", List.of(new Charts.Bar(0.99, 0.02, false), new Charts.Bar(0.003, 0.001, false)));
    CategoryChart c = Charts.barsWithErrors("t", "role", "normalised", List.of("hp-a", "be"), s);
    assertFalse(c.getStyler().isYAxisLogarithmic());
    assertEquals(0.0, c.getStyler().getYAxisMin());
    assertEquals(List.of("hp-a", "be (tgs = 0.003)"), c.getSeriesMap().get("mps").getXData());
    assertEquals(Palette.of("tgs"), c.getSeriesMap().get("tgs").getFillColor());

    CategoryChart plain = Charts.bars("p99", "policy", "p99 (ms)", List.of("hp"), Map.of("lithos", List.of(0.0)));
    assertFalse(plain.getStyler().isYAxisLogarithmic());
    assertEquals(List.of("hp (lithos = 0)"), plain.getSeriesMap().get("lithos").getXData(), "a zero bar reads as zero");
  }

  @Test
  void manyShortBarsInOneCategoryAreSaidOnceInTheAxisTitle() {
    Map<String, List<Charts.Bar>> s = new LinkedHashMap<>();
    s.put("mps", List.of(new Charts.Bar(190, 40, false)));
    for (String p : List.of("mig", "tgs", "lithos")) s.put(p, List.of(new Charts.Bar(p.equals("tgs") ? 1.0 : 1.5, 0.1, false)));
    CategoryChart c = Charts.barsWithErrors("t", "job", "p99 / alone", List.of("resnet50"), s);
    assertEquals(List.of("resnet50"), c.getSeriesMap().get("mps").getXData(), "three names would not fit under one category");
    assertEquals("job; bars under 2.3 are too short to see (values in the data)", c.getXAxisTitle());
  }

  @Test
  void aTenantWhosePointsAllCoincideSaysWhere() {
    Map<String, double[][]> lines = new LinkedHashMap<>();
    lines.put("retinanet", new double[][] {{-1, 0.4}, {2.3, 5.6}});
    lines.put("resnet50", new double[][] {{0, 0}, {0, 0}});
    XYChart c = Charts.linesOfTenants("t", "x", "y", lines);
    assertEquals(List.of("retinanet", "resnet50 (all at 0, 0)"), List.copyOf(c.getSeriesMap().keySet()));
    assertEquals(Palette.tenant("resnet50"), c.getSeriesMap().get("resnet50 (all at 0, 0)").getLineColor());
  }

  @Test
  void systemBarsDrawTheSloAndNameAZeroBar() {
    Map<String, Charts.Bar> b = new LinkedHashMap<>();
    b.put("mps", new Charts.Bar(57, 31, true));
    b.put("tgs", new Charts.Bar(0, 0, false));
    CategoryChart c = Charts.systemBars("t", "p99 (ms)", b, "SLO 15 ms", 15, "*");
    assertTrue(c.getSeriesMap().containsKey("SLO 15 ms"));
    assertEquals(List.of("mps *", "tgs = 0"), c.getSeriesMap().get("mps").getXData());
    assertEquals(0.0, c.getStyler().getYAxisMin());
  }

  @Test
  void aLatencyCdfNamesBackendAndGpuDrawsTheSloAndSaysWhatDidNotComplete() {
    Scenario s = ScenarioLoader.load(Scenarios.file("stacking-demo.json")).withDurationMs(300, 30);
    List<RunResult> runs = Sweep.run(List.of(s.withPolicy("mps"), s.withPolicy("lithos")));
    XYChart c = Charts.latencyCdf("HP latency", "hp-infer", runs);
    assertEquals("HP latency, modeled H100 SXM (sim)", c.getTitle());
    assertTrue(c.getSeriesMap().containsKey("SLO 5 ms"), c.getSeriesMap()::toString);
    assertEquals(0, runs.get(0).tenant("hp-infer").completed(),
        "in 300 ms no HP request completes under MPS (the case this test is about)");
    assertTrue(c.getSeriesMap().containsKey("mps: 0 of " + runs.get(0).tenant("hp-infer").arrived() + " completed"),
        () -> c.getSeriesMap().keySet().toString());
    // the data (1 to 5 ms) spans less than LOG_AXIS_MIN_SPAN: linear from 0
    assertFalse(c.getStyler().isXAxisLogarithmic());
    assertEquals(0.0, c.getStyler().getXAxisMin());
    assertEquals("HP latency, real H200 (cuda)", Titles.withWhere("HP latency", Titles.where("cuda", "NVIDIA H200")));
    assertEquals("p99, modeled H200 (sim)", Titles.withWhere("p99, modeled H200 (sim)", "modeled A100 40GB (sim)"),
        "a title that names its backend is left alone");
    assertEquals("modeled A100 40GB (sim)", Titles.where("sim", "a100-40gb"));
  }

  @Test
  void everyTenantAndPolicyHasOneColourEverywhere() {
    // the tenants that share figures (the power and right-sizing sweeps, the validation pairs) are told apart
    List<String> tenants = List.of("resnet50", "bert-large", "llama3-decode", "vgg19-train", "bert-train", "retinanet",
        "mobilenetv2", "dlrm", "gptj-6b");
    Set<Color> seen = new HashSet<>();
    for (String t : tenants) assertTrue(seen.add(Palette.tenant(t)), t + " shares a colour");
    assertEquals(Palette.tenant("some-new-model"), Palette.tenant("some-new-model"), "an unknown name gets a stable colour");
    List<String> policies = List.of("time-slicing", "mps", "priority", "mig", "tgs", "orion", "reef", "lithos", "solo");
    Set<Color> policyColours = new HashSet<>();
    for (String p : policies) assertTrue(policyColours.add(Palette.of(p)), p + " shares a colour");
    assertNotEquals(Palette.of("lithos"), Palette.of("lithos (no atomization)"));
  }
}
