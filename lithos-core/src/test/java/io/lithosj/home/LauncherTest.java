package io.lithosj.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 4: the {@code lithos} launcher keeps the caller's working directory and names the
 * repository in {@code -Dlithos.home}. The real script runs in a copy of the repository's layout
 * with a stand-in {@code java} on the PATH that reports where it ran and with what arguments.
 */
class LauncherTest {
  @TempDir Path tmp;

  @Test
  void launcherKeepsTheCallersDirectoryAndPassesTheRepository() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path launcher = repo.resolve("lithos");
    Files.copy(Scenarios.file("stacking-demo.json").getParent().getParent().getParent().resolve("lithos"), launcher);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    // a jar newer than every source, so the launcher does not build
    Path src = Files.createDirectories(repo.resolve("lithos-core/src/main/java"));
    Files.writeString(src.resolve("A.java"), "class A {}");
    Files.setLastModifiedTime(src.resolve("A.java"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Files.writeString(Files.createDirectories(repo.resolve("lithos-core/target")).resolve("lithos.jar"), "");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"pwd=$(pwd)\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\n");
    Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path caller = Files.createDirectories(tmp.resolve("elsewhere"));

    ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "run", "mine.json").directory(caller.toFile())
        .redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not finish");
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    assertEquals("pwd=" + caller.toRealPath(), lines.get(0), "the launcher must not change directory");
    assertTrue(lines.contains("arg=-Dlithos.home=" + repo.toRealPath()), lines.toString());
    assertEquals("arg=mine.json", lines.get(lines.size() - 1), "the user's relative path is passed unchanged");
    assertFalse(lines.stream().anyMatch(l -> l.contains("building")), lines.toString());
  }

  @Test
  void repositoryDefaultsFollowTheProperty() {
    String before = System.getProperty(LithosHome.PROPERTY);
    try {
      System.clearProperty(LithosHome.PROPERTY);
      assertEquals(Path.of("datasets/scenarios"), LithosHome.resolve("datasets/scenarios"));
      assertEquals(Path.of("").toAbsolutePath(), LithosHome.dir());
      System.setProperty(LithosHome.PROPERTY, tmp.toString());
      assertEquals(tmp.resolve("datasets/scenarios"), LithosHome.resolve("datasets/scenarios"));
      assertTrue(LithosHome.is(tmp.resolve("x/../figures"), "figures"));
      assertFalse(LithosHome.is(Path.of("figures"), "figures"), "a folder of the working directory is not the repository's");
    } finally {
      if (before == null) System.clearProperty(LithosHome.PROPERTY);
      else System.setProperty(LithosHome.PROPERTY, before);
    }
  }
}
