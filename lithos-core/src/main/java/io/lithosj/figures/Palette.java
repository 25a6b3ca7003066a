package io.lithosj.figures;

import java.awt.Color;
import java.util.Map;

/** One colour per policy across every figure, so a reader tracks a policy by colour alone. */
public final class Palette {
  private static final Map<String, Color> BY_POLICY = Map.ofEntries(
      Map.entry("time-slicing", new Color(0x8C, 0x8C, 0x8C)),
      Map.entry("mps", new Color(0xD6, 0x27, 0x28)),
      Map.entry("priority", new Color(0xFF, 0x7F, 0x0E)),
      Map.entry("mig", new Color(0x94, 0x67, 0xBD)),
      Map.entry("tgs", new Color(0x8C, 0x56, 0x4B)),
      Map.entry("orion", new Color(0x17, 0xBE, 0xCF)),
      Map.entry("reef", new Color(0xE3, 0x77, 0xC2)),
      Map.entry("lithos", new Color(0x1F, 0x77, 0xB4)),
      Map.entry("solo", new Color(0x2C, 0xA0, 0x2C)));

  /** For series that are not policies (e.g. tenants under one policy): distinct from each other. */
  private static final Color[] SERIES = {
      new Color(0x1B, 0x9E, 0x77), new Color(0xD9, 0x5F, 0x02), new Color(0x75, 0x70, 0xB3),
      new Color(0xE7, 0x29, 0x8A), new Color(0x66, 0xA6, 0x1E), new Color(0xE6, 0xAB, 0x02),
      new Color(0xA6, 0x76, 0x1D), new Color(0x66, 0x66, 0x66)};

  private Palette() {}

  /** The i-th colour of the palette for non-policy series. */
  public static Color series(int i) { return SERIES[Math.floorMod(i, SERIES.length)]; }

  public static Color of(String policy) {
    Color c = BY_POLICY.get(policy);
    if (c != null) return c;
    // variants such as "lithos (no atomization)" keep their policy's hue, lighter
    for (var e : BY_POLICY.entrySet()) {
      if (policy.startsWith(e.getKey() + " ")) return e.getValue().brighter();
    }
    return new Color(0xBC, 0xBD, 0x22);
  }
}
