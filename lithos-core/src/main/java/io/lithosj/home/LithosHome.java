package io.lithosj.home;

import java.nio.file.Path;

/**
 * The repository the {@code lithos} launcher belongs to. The launcher keeps the caller's working
 * directory (so {@code lithos run mine.json} means the file the user sees) and passes the
 * repository as {@code -Dlithos.home}; a default that names a repository file (e.g.
 * {@code datasets/scenarios/paper}) resolves against it. Without the property (a notebook, a
 * test, {@code java -jar} by hand) the defaults stay relative to the working directory, as before.
 */
public final class LithosHome {
  /** The system property the launcher sets. */
  public static final String PROPERTY = "lithos.home";

  private LithosHome() {}

  /** The repository folder: {@code lithos.home} if set, else the working directory. */
  public static Path dir() {
    String home = System.getProperty(PROPERTY);
    return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
  }

  /**
   * A repository file given relative to the repository root: under {@code lithos.home} when it is
   * set, else the same relative path (resolved by the working directory).
   */
  public static Path resolve(String relative) {
    String home = System.getProperty(PROPERTY);
    return home == null || home.isBlank() ? Path.of(relative) : Path.of(home).resolve(relative);
  }

  /** Whether {@code p} is the repository file {@code relative} (both made absolute and normalised). */
  public static boolean is(Path p, String relative) {
    return p.toAbsolutePath().normalize().equals(dir().resolve(relative).normalize());
  }
}
