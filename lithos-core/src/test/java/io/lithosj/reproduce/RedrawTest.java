package io.lithosj.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedrawTest {
  @TempDir Path dir;

  private static Path committed(String name) {
    Path p = Path.of("figures/data", name);
    return Files.exists(p) ? p : Path.of("../figures/data", name);
  }

  @Test
  void slipFiguresAreDrawnAgainFromTheCommittedDataAlone() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(committed("a100-40gb-power.csv"), dir.resolve("data/a100-40gb-power.csv"));
    Files.copy(committed("h200-rightsizing.csv"), dir.resolve("data/h200-rightsizing.csv"));
    assertEquals(List.of("a100-40gb-power", "h200-rightsizing"), Reproduction.redrawSlipFigures(dir));
    assertTrue(Files.size(dir.resolve("a100-40gb-power.svg")) > 10_000);
    assertTrue(Files.size(dir.resolve("h200-rightsizing.png")) > 10_000);
    var chart = SlipExperiment.chart("power", "a100-40gb", SlipExperiment.Mechanism.POWER,
        io.lithosj.reproduce.ReproducedResults.at(dir).table("a100-40gb", "power"));
    assertEquals("power, modeled A100 40GB (sim): LithOS energy saved, each tenant alone (1 seed)", chart.getTitle());
    assertEquals(List.of("resnet50", "bert-large", "llama3-decode", "vgg19-train", "bert-train"),
        List.copyOf(chart.getSeriesMap().keySet()), "every tenant of the data is a line, in the data's order");
    assertEquals(io.lithosj.figures.Palette.tenant("resnet50"), chart.getSeriesMap().get("resnet50").getLineColor());
  }
}
