package io.lithosj.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One tenant of the fleet: {@code id} is its entry's name and number ({@code resnet50-3}),
 * {@code entry} the entry it came from (whose solo run measured {@code soloUtilization}).
 *
 * @param soloUtilization its TPC utilisation alone on a GPU: the packing weight
 */
public record FleetTenant(String id, String entry, boolean be, ObjectNode config, double soloUtilization) {
  /** The scenario tenant: its entry's fields, its own name, HP inference or BE training. */
  ObjectNode tenantJson() {
    ObjectNode t = config.deepCopy();
    t.remove("count");
    t.put("name", id);
    t.put("priority", be ? "BE" : "HP");
    t.put("type", be ? "training" : "inference");
    return t;
  }
}
