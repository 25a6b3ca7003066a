package io.lithosj.figures;

import java.awt.Color;
import java.util.Map;

/**
 * The one palette of every figure: a colour per policy and a colour per tenant (model or role), so a reader
 * tracks a policy or a tenant by colour alone from one figure to the next. Policies and tenants never share
 * a figure's legend, but their colours are still kept apart where they can be.
 */
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

  /**
   * Tenants of the shipped scenarios, by name; the same model keeps its colour as inference or training
   * ("bert-large", "bert-train"), and roles (HP, BE) have theirs.
   */
  private static final Map<String, Color> BY_TENANT = Map.ofEntries(
      Map.entry("resnet50", new Color(0x1B, 0x9E, 0x77)),
      Map.entry("bert-large", new Color(0xD9, 0x5F, 0x02)),
      Map.entry("bert-train", new Color(0x66, 0xA6, 0x1E)),
      Map.entry("bert-large-train", new Color(0x66, 0xA6, 0x1E)),
      Map.entry("llama3-decode", new Color(0x75, 0x70, 0xB3)),
      Map.entry("llama3-8b-lora", new Color(0x75, 0x70, 0xB3)),
      Map.entry("vgg19", new Color(0xE7, 0x29, 0x8A)),
      Map.entry("vgg19-train", new Color(0xE7, 0x29, 0x8A)),
      Map.entry("retinanet", new Color(0xE6, 0xAB, 0x02)),
      Map.entry("mobilenetv2", new Color(0xA6, 0x76, 0x1D)),
      Map.entry("dlrm", new Color(0x66, 0x66, 0x66)),
      Map.entry("gptj-6b", new Color(0xB1, 0x59, 0x28)),
      Map.entry("hp", new Color(0x21, 0x66, 0xAC)),
      Map.entry("hp-a", new Color(0x21, 0x66, 0xAC)),
      Map.entry("hp-infer", new Color(0x21, 0x66, 0xAC)),
      Map.entry("hp-b", new Color(0x67, 0xA9, 0xCF)),
      Map.entry("be", new Color(0x8C, 0x6D, 0x31)),
      Map.entry("be-train", new Color(0x8C, 0x6D, 0x31)));

  /** For names in neither map: picked by the name's hash, so a name has the same colour in every figure. */
  private static final Color[] OTHERS = {
      new Color(0x1B, 0x9E, 0x77), new Color(0xD9, 0x5F, 0x02), new Color(0x75, 0x70, 0xB3),
      new Color(0xE7, 0x29, 0x8A), new Color(0x66, 0xA6, 0x1E), new Color(0xE6, 0xAB, 0x02),
      new Color(0xA6, 0x76, 0x1D), new Color(0x66, 0x66, 0x66)};

  private Palette() {}

  /**
   * The i-th colour for series that are neither policies nor tenants (e.g. GPUs in a calibration plot).
   * Use {@link #tenant} for tenants: an index depends on the figure, a name does not.
   */
  public static Color series(int i) { return OTHERS[Math.floorMod(i, OTHERS.length)]; }

  public static Color of(String policy) {
    Color c = BY_POLICY.get(policy);
    if (c != null) return c;
    // variants such as "lithos (no atomization)" keep their policy's hue, lighter
    for (var e : BY_POLICY.entrySet()) {
      if (policy.startsWith(e.getKey() + " ")) return e.getValue().brighter();
    }
    return new Color(0xBC, 0xBD, 0x22);
  }

  /** The colour of a tenant (or model) by its name, the same in every figure. */
  public static Color tenant(String name) {
    Color c = BY_TENANT.get(name);
    return c != null ? c : OTHERS[Math.floorMod(name.hashCode(), OTHERS.length)];
  }
}
