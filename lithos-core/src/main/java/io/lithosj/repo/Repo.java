package io.lithosj.repo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The repository root, found from anywhere inside it, so that {@code Repo.path("datasets/...")}
 * means the same file in JShell started at the root, in a notebook started in {@code notebooks/}
 * and in a test run by Maven in {@code lithos-core/}.
 *
 * <p>The root is the nearest folder, from the working directory up, that holds both the
 * {@code lithos} launcher and {@code datasets/}; the system property {@code lithos.repo.root}
 * overrides the search (for a jar used outside the repository).
 */
public final class Repo {
  private Repo() {}

  /** The repository root, or empty when the working directory is outside the repository. */
  public static Optional<Path> root() {
    String forced = System.getProperty("lithos.repo.root");
    if (forced != null && !forced.isBlank()) return Optional.of(Path.of(forced).toAbsolutePath().normalize());
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("lithos")) && Files.isDirectory(d.resolve("datasets"))) return Optional.of(d);
    }
    return Optional.empty();
  }

  /**
   * A path relative to the repository root (an absolute path is kept as it is). The file need not
   * exist; readers name the absolute path they tried when it does not.
   *
   * @throws IllegalStateException when the working directory is not inside the repository
   */
  public static Path path(String relative) {
    Path p = Path.of(relative);
    if (p.isAbsolute()) return p;
    Path root = root().orElseThrow(() -> new IllegalStateException("cannot resolve '" + relative + "': "
        + Path.of("").toAbsolutePath() + " is not inside the LithOS-J repository (no folder above it holds "
        + "'lithos' and 'datasets/'; set -Dlithos.repo.root=DIR)"));
    return root.resolve(p).normalize();
  }

  /**
   * The default folder for outputs nobody asked to keep (a {@code lithos run} without {@code -o},
   * charts shown from JShell): {@code out/} at the root, which git ignores; the working directory's
   * {@code out/} outside the repository.
   */
  public static Path outputDir() {
    return root().map(r -> r.resolve("out")).orElse(Path.of("out").toAbsolutePath());
  }
}
