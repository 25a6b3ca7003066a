package io.lithosj.experiment;

import java.nio.file.Path;

/** Scenario files the tests share (found whether tests run from the module or the root). */
public final class Scenarios {
  private Scenarios() {}

  public static Path file(String name) {
    Path p = Path.of("datasets/scenarios", name);
    if (!p.toFile().exists()) p = Path.of("../datasets/scenarios", name);
    return p;
  }

  public static Scenario stackingDemo() {
    return ScenarioLoader.load(file("stacking-demo.json"));
  }
}
