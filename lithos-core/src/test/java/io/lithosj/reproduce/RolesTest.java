package io.lithosj.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Table 2's load is offered as is, unless the modeled GPU cannot carry it alone. */
class RolesTest {
  private static Scenario template() throws Exception {
    return ScenarioLoader.load(Path.of(RolesTest.class.getResource("/paper-mini/hybrid.json").toURI()));
  }

  @Test
  void aLoadAboveTheShareOfCapacityIsScaledDownAndSaysSo() throws Exception {
    Scenario t = template();
    PaperPlan.Service heavy = new PaperPlan.Service("resnet50", null, 1e6, 15, "TensorRT");
    Roles.Load l = Roles.offeredLoad(t, "hp", "resnet50", heavy, 0.5);
    assertTrue(l.scaled());
    assertEquals(0.5 * l.soloCapacityRps(), l.offeredRps(), 1e-9);
    assertTrue(l.note().contains("scaled to"), l.note());
  }

  @Test
  void aLoadTheGpuCarriesIsKept() throws Exception {
    Scenario t = template();
    PaperPlan.Service light = new PaperPlan.Service("resnet50", null, 1.0, 15, "TensorRT");
    Roles.Load l = Roles.offeredLoad(t, "hp", "resnet50", light, 0.5);
    assertFalse(l.scaled());
    assertEquals(1.0, l.offeredRps(), 0);
    Scenario s = Roles.service(t, "hp", light, l.offeredRps());
    Scenario.TenantConfig hp = s.tenants().get(0);
    assertEquals("poisson", hp.arrivals());
    assertEquals(1.0, hp.ratePerSec(), 0);
    assertEquals(15.0, hp.sloMs(), 0);
    assertEquals(t.tenants().get(0).tpcQuota(), hp.tpcQuota(), "the role keeps its quota");
  }
}
