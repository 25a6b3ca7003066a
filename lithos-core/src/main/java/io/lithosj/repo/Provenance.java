package io.lithosj.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The code behind a result: the toolkit's version (from the build) and the repository's git commit. */
public final class Provenance {
  private static volatile String commit;

  private Provenance() {}

  /** The Maven project version this jar was built as, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = Provenance.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * The commit of the repository the toolkit runs in, with {@code -dirty} when tracked files differ
   * from it; {@code unknown} outside a git checkout or without git. Asked of git once per JVM.
   */
  public static String gitCommit() {
    String c = commit;
    if (c == null) {
      Path dir = Repo.root().orElse(null);
      String head = dir == null ? null : git(dir, "rev-parse", "HEAD");
      if (head == null) {
        c = "unknown";
      } else {
        String changes = git(dir, "status", "--porcelain", "--untracked-files=no");
        c = changes == null || changes.isEmpty() ? head : head + "-dirty";
      }
      commit = c;
    }
    return c;
  }

  /** git's trimmed output, or null when git is missing, fails or takes over 10 s. */
  private static String git(Path dir, String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
