package io.lithosj.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.ScenarioException;
import io.lithosj.experiment.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RepoTest {
  /** Maven runs this test in lithos-core/, below the root: the same relative path still means the root's file. */
  @Test
  void pathsResolveAgainstTheRepositoryRootFromASubfolder() {
    Path root = Repo.root().orElseThrow();
    assertTrue(Files.isRegularFile(root.resolve("lithos")) && Files.isDirectory(root.resolve("datasets")), root.toString());
    Path demo = Repo.path("datasets/scenarios/stacking-demo.json");
    assertEquals(root.resolve("datasets/scenarios/stacking-demo.json"), demo);
    assertTrue(Files.isRegularFile(demo));
    assertEquals("stacking-demo", ScenarioLoader.load(demo).nameOrDefault());
    assertEquals(Path.of("/abs/x.json"), Repo.path("/abs/x.json"), "an absolute path is kept");
    assertEquals(root.resolve("out"), Repo.outputDir());
  }

  @Test
  void aMissingScenarioNamesTheAbsolutePathTried() {
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(Path.of("datasets/nope.json")));
    String tried = Path.of("datasets/nope.json").toAbsolutePath().normalize().toString();
    assertTrue(e.getMessage().contains("no such scenario file: " + tried), e.getMessage());
    assertTrue(e.getMessage().contains("Repo.path(\"datasets/nope.json\")"), "points at the helper: " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void versionComesFromTheBuild() {
    assertTrue(Provenance.version().matches("\\d+\\.\\d+\\.\\d+.*"), Provenance.version());
  }
}
