package io.lithosj.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.TenantMetrics;
import io.lithosj.validation.Validation.Cell;
import io.lithosj.workload.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping from real runs to modeled scenarios, the rule per cell and the stability rule; no modeled runs. */
class ValidationTest {
  @TempDir Path dir;

  static final Path SCENARIOS = ValidationReplayTest.repo("datasets/scenarios/validation");
  static final Path FIXTURE = ValidationReplayTest.repo(ValidationReplayTest.FIXTURE);

  private static Validation.Options opts() { return new Validation.Options(SCENARIOS, 2, 0, 1, Set.of(), s -> {}); }

  private Path fixtureWith(String from, String to) throws Exception {
    Path f = dir.resolve("changed.jsonl");
    String text = Files.readString(FIXTURE);
    assertTrue(text.contains(from), from);
    // green-split lines are left out: their split_sms would name the tenant first
    Files.writeString(f, text.replace(from, to).lines().filter(l -> !from.contains("tenant") || !l.contains("green-split"))
        .map(l -> l + "\n").reduce("", String::concat));
    return f;
  }

  @Test
  void eachMechanismMapsToItsPolicyWithTheRealRateDurationAndSplit() {
    List<String> notes = new ArrayList<>();
    Validation.Group g = Validation.plan(RealRun.read(List.of(FIXTURE)), opts(), notes).get(0);
    assertEquals(List.of("time-slicing", "mps", "priority", "green-split", "alone/resnet50", "alone/mobilenetv2"),
        List.copyOf(g.planned.keySet()));
    for (var e : g.planned.entrySet()) {
      assertEquals(2, e.getValue().size(), "two seeds");
      assertEquals(List.of(1L, 2L), e.getValue().stream().map(Scenario::seedOrDefault).toList());
      Scenario s = e.getValue().get(0);
      assertEquals(6000, s.durationMsOrDefault(), 1e-9);
      assertEquals(1000, s.warmupMsOrDefault(), 1e-9);
      Scenario.TenantConfig hp = s.tenants().stream().filter(t -> t.name().equals("resnet50")).findFirst().orElse(null);
      if (hp != null) {
        assertEquals(162.6, hp.ratePerSec(), 1e-9, "the real run's rate_rps, not the file's load");
        assertEquals(null, hp.load());
      }
    }
    assertEquals("time-slicing", g.planned.get("time-slicing").get(0).policyName());
    assertEquals("priority", g.planned.get("priority").get(0).policyName());
    Scenario split = g.planned.get("green-split").get(0);
    assertEquals("mig", split.policyName());
    assertEquals(false, split.policyParams().get("partitionBandwidth"));
    assertEquals(true, split.policyParams().get("splitByTpcQuota"));
    assertEquals(List.of(32, 34), split.tenants().stream().map(Scenario.TenantConfig::tpcQuota).toList(), "SMs / 2");
    assertEquals(List.of("resnet50"), g.planned.get("alone/resnet50").get(0).tenants().stream().map(Scenario.TenantConfig::name).toList());
    assertTrue(notes.stream().anyMatch(n -> n.contains("failed") && n.contains("out of memory")), notes.toString());
  }

  @Test
  void aWrongMappingFailsNamingWhatIsWrong() throws Exception {
    var e = assertThrows(IllegalArgumentException.class, () -> Validation.plan(
        RealRun.read(List.of(fixtureWith("\"tenant\": \"mobilenetv2\"", "\"tenant\": \"mobilenet\""))), opts(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("tenant 'mobilenet' is not in the scenario"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Validation.plan(
        RealRun.read(List.of(fixtureWith("\"model\": \"mobilenetv2\"", "\"model\": \"resnet50\""))), opts(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("runs model 'resnet50' for real but 'mobilenetv2' in the scenario"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Validation.plan(
        RealRun.read(List.of(fixtureWith("\"load\": 0.2", "\"load\": 0.3"))), opts(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("no scenario file for pair 'resnet50+mobilenetv2' at load 0.3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RealRun.read(List.of(fixtureWith("\"mechanism\": \"mps\"", "\"mechanism\": \"mps-split\""))));
    assertTrue(e.getMessage().contains("changed.jsonl:") && e.getMessage().contains("mechanism: 'mps-split'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RealRun.read(List.of(fixtureWith("\"rate_rps\": 162.6", "\"rate\": 162.6"))));
    assertTrue(e.getMessage().contains("hp[0].rate_rps: missing"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Validation.plan(
        RealRun.read(List.of(fixtureWith("\"resnet50\": 64", "\"resnet50\": 63"))), opts(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("not a whole number of TPCs"), e.getMessage());
  }

  @Test
  void aRunThatCompletedNoRequestIsReadAsUnstableWithoutPercentiles() throws Exception {
    String line = Files.readString(FIXTURE).lines().filter(l -> l.contains("\"mechanism\": \"mps\"")).findFirst().orElseThrow();
    String none = line.replaceAll("\"p50_ms\": [0-9.]+", "\"p50_ms\": null").replaceAll("\"p99_ms\": [0-9.]+", "\"p99_ms\": null")
        .replaceAll("\"completed\": [0-9]+", "\"completed\": 0");
    Path f = dir.resolve("none.jsonl");
    Files.writeString(f, none.replace("\"stable\": true", "\"stable\": false") + "\n");
    RealRun.Hp h = RealRun.read(List.of(f)).get(0).hp().get(0);
    assertTrue(h.noneCompleted() && !h.stable() && Double.isNaN(h.p99OrNaN()), h.toString());
    Files.writeString(f, none.replace("\"stable\": false", "\"stable\": true") + "\n");
    var e = assertThrows(IllegalArgumentException.class, () -> RealRun.read(List.of(f)));
    assertTrue(e.getMessage().contains("hp[0].p50_ms: missing"), "a stable queue must have percentiles: " + e.getMessage());
  }

  @Test
  void anEagerBeRunsAtTheHostCostThatGivesItsRealRateAlone() {
    List<String> notes = new ArrayList<>();
    Validation.Group g = Validation.plan(RealRun.read(List.of(FIXTURE)), opts(), notes).get(0);
    Scenario alone = g.planned.get("alone/mobilenetv2").get(0);
    Scenario.TenantConfig be = alone.tenants().get(0);
    assertEquals("eager", be.launch());
    var spec = alone.tenantSpecs().get(0);
    double soloMs = Scenario.soloRequestMs(spec.workload().kernels(), alone.gpuSpec(), alone.dispatchModel(), spec.launch());
    assertEquals(1000 / 3.5, soloMs, 0.01, "an iteration alone takes 1 / solo_rate_per_s");
    assertTrue(notes.stream().anyMatch(n -> n.contains("BE 'mobilenetv2' eager at") && n.contains("3.500/s")), notes.toString());
    for (var runs : g.planned.values()) {
      for (Scenario s : runs) {
        s.tenants().stream().filter(t -> t.name().equals("mobilenetv2")).forEach(t -> assertEquals(be.hostLaunchUs(), t.hostLaunchUs()));
      }
    }
  }

  @Test
  void anHpTenantSwappedIntoBeIsAWrongMapping() throws Exception {
    Path f = dir.resolve("swapped.jsonl");
    Files.writeString(f, Files.readString(FIXTURE).lines().filter(l -> l.contains("\"mechanism\": \"alone\"") && l.contains("\"hp\": []"))
        .findFirst().orElseThrow().replace("\"tenant\": \"mobilenetv2\"", "\"tenant\": \"resnet50\"") + "\n");
    var e = assertThrows(IllegalArgumentException.class, () -> Validation.plan(RealRun.read(List.of(f)), opts(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("'resnet50' is BE in the real run but HP in the scenario"), e.getMessage());
  }

  @Test
  void timeSlicingTakesTheProbesSliceAndSwitchCost() throws Exception {
    TimeSliceProbe p = TimeSliceProbe.read(ValidationReplayTest.repo(ValidationReplayTest.PROBE));
    assertEquals(2.09091, (double) p.params().get("sliceMs"), 1e-9, "processes_2.slice_us_median / 1000");
    assertEquals(152.64, (double) p.params().get("switchUs"), 1e-9, "processes_2.switch_us_median");
    io.lithosj.os.Policies.create("time-slicing", p.params()); // valid parameters of the policy
    Path bad = dir.resolve("probe.json");
    Files.writeString(bad, "{\"processes_2\": {\"slice_us_median\": 2000}}");
    var e = assertThrows(IllegalArgumentException.class, () -> TimeSliceProbe.read(bad));
    assertTrue(e.getMessage().contains("processes_2.switch_us_median missing"), e.getMessage());
    List<String> notes = new ArrayList<>();
    Validation.Group g = Validation.plan(RealRun.read(List.of(FIXTURE)), new Validation.Options(SCENARIOS, 1, 0, 1, Set.of(), s -> {},
        Map.of("time-slicing", p.params())), notes).get(0);
    assertEquals(p.params().get("switchUs"), g.planned.get("time-slicing").get(0).policyParams().get("switchUs"));
    assertEquals(null, g.planned.get("mps").get(0).policyParams().get("switchUs"));
  }

  @Test
  void theRulePerCell() {
    assertTrue(new Cell("p", 0.2, "mps", Validation.P99, 2.0, 2.5, true, true).met());
    assertFalse(new Cell("p", 0.2, "mps", Validation.P99, 2.0, 2.52, true, true).met());
    assertTrue(new Cell("p", 0.2, "mps", Validation.P99, 2.0, 1.5, true, false).met(), "a stable real run: only the value counts");
    assertTrue(new Cell("p", 0.2, "mps", Validation.P50, 2.0, 2.3, true, true).met());
    assertFalse(new Cell("p", 0.2, "mps", Validation.P50, 2.0, 2.32, true, true).met());
    assertTrue(new Cell("p", 0.2, "mps", Validation.BE_RETAINED, 0.8, 0.75, true, true).met());
    assertFalse(new Cell("p", 0.2, "mps", Validation.BE_RETAINED, 0.8, 0.74, true, true).met());
    assertTrue(new Cell("p", 0.2, "mps", Validation.P99, 30, 3, false, false).met(), "unstable both: met whatever the values");
    assertFalse(new Cell("p", 0.2, "mps", Validation.P99, 30, 30, false, true).met(), "unstable for real, stable modeled");
    assertFalse(new Cell("p", 0.2, "mps", Validation.P99, 2, Double.NaN, true, true).met());
  }

  @Test
  void unfinishedShareRule() {
    assertTrue(Stability.stable(950, 50));
    assertFalse(Stability.stable(950, 51));
    assertTrue(Stability.stable(38, 2), "the harness's threshold: 5% of arrivals, no slack");
    assertFalse(Stability.stable(0, 0), "nothing served: not a stable service");
    assertTrue(Validation.majority(List.of(true, true, false)));
    assertFalse(Validation.majority(List.of(true, false)), "a tie counts as unstable");
  }

  @Test
  void twoHpTenantsGetTheirNameInThePairColumn() throws Exception {
    Path f = dir.resolve("triple.jsonl");
    String hp = "{\"tenant\": \"%s\", \"model\": \"%s\", \"batch\": 1, \"rate_rps\": %s, \"p50_ms\": %s, \"p99_ms\": %s, \"stable\": %s}";
    String be = "{\"tenant\": \"gptj-6b\", \"model\": \"gptj-6b\", \"batch\": 1, \"kind\": \"inference\", \"rate_per_s\": %s, \"retained\": %s}";
    String row = "{\"pair\": \"resnet50+bert-large+gptj-6b\", \"load\": 0.2, \"mechanism\": \"%s\", \"rep\": 0, \"duration_s\": 6.0, "
        + "\"warmup_s\": 1.0, \"gpu\": \"NVIDIA H200\", \"hp\": [%s], \"be\": [%s], \"error\": null}\n";
    String text = String.format(row, "alone", String.format(hp, "resnet50", "resnet50", 100, 1.0, 2.0, true), "")
        + String.format(row, "alone", String.format(hp, "bert-large", "bert-large", 20, 5.0, 8.0, true), "")
        + String.format(row, "alone", "", String.format(be, 0.5, "null"))
        + String.format(row, "mps", String.format(hp, "resnet50", "resnet50", 100, 2.0, 5.0, true) + ", "
            + String.format(hp, "bert-large", "bert-large", 20, 6.0, 20.0, false), String.format(be, 0.4, 0.8));
    Files.writeString(f, text);
    Validation.Group g = Validation.plan(RealRun.read(List.of(f)), opts(), new ArrayList<>()).get(0);
    // stand-in modeled results: resnet50 p99 3 ms stacked vs 2 alone, bert-large 16 vs 8, gptj 0.3 vs 0.5 per s
    g.results.put("mps", List.of(fake(Map.of("resnet50", 3.0, "bert-large", 16.0, "gptj-6b", 0.3)), fake(Map.of("resnet50", 3.0, "bert-large", 16.0, "gptj-6b", 0.3))));
    g.results.put("alone/resnet50", List.of(fake(Map.of("resnet50", 2.0)), fake(Map.of("resnet50", 2.0))));
    g.results.put("alone/bert-large", List.of(fake(Map.of("bert-large", 8.0)), fake(Map.of("bert-large", 8.0))));
    g.results.put("alone/gptj-6b", List.of(fake(Map.of("gptj-6b", 0.5)), fake(Map.of("gptj-6b", 0.5))));
    List<Cell> cells = Validation.compare(g, new ArrayList<>());
    assertEquals(List.of("resnet50+bert-large+gptj-6b/resnet50", "resnet50+bert-large+gptj-6b/resnet50",
        "resnet50+bert-large+gptj-6b/bert-large", "resnet50+bert-large+gptj-6b/bert-large", "resnet50+bert-large+gptj-6b"),
        cells.stream().map(Cell::pair).toList());
    Cell p99 = cells.get(0);
    assertEquals(2.5, p99.real(), 1e-12);
    assertEquals(1.5, p99.modeled(), 1e-12);
    Cell bertP99 = cells.get(2);
    assertEquals(2.5, bertP99.real(), 1e-12);
    assertFalse(bertP99.realStable());
    Cell beCell = cells.get(4);
    assertEquals(Validation.BE_RETAINED, beCell.metric());
    assertEquals(0.8, beCell.real(), 1e-12);
    assertEquals(0.6, beCell.modeled(), 1e-12);
    assertFalse(beCell.realStable(), "a BE cell's run is stable only if every HP tenant is");
  }

  /** A modeled run whose inference tenants have this p99 = p50 (ms) and training ones this throughput. */
  private static RunResult fake(Map<String, Double> value) {
    List<TenantMetrics> ms = new ArrayList<>();
    Map<String, Histogram> hs = new LinkedHashMap<>();
    value.forEach((t, v) -> {
      boolean be = t.equals("gptj-6b");
      ms.add(new TenantMetrics(t, be ? Priority.BE : Priority.HP, "inference", 100, 100, 0, true, be ? v : 100, be ? v : 100,
          v, v, v, v, v, v, 0, Double.NaN, 100));
      Histogram h = new Histogram(3);
      for (int i = 0; i < 100; i++) h.recordValue(1000);
      hs.put(t, h);
    });
    return new RunResult("fake", "mps", "h100-sxm", "sim", 1, 1000, ms, 0, 0, 0, 0, 0, 0, Map.of(), hs, Map.of());
  }
}
