package io.lithosj.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where results go. Names from scenario files become file names by {@link #fileName}: every character
 * outside {@code [A-Za-z0-9._+-]} becomes {@code _}, and a name of only dots becomes {@code _}, so a file
 * name never holds a separator and never means "." or "..". {@link #inside} then resolves it in the output
 * folder and checks, after normalisation, that it stays there. Files are written atomically: a temporary
 * file in the same folder, then a move with ATOMIC_MOVE, so an interrupted run leaves the old file or the
 * new one, never half of one.
 */
public final class SafeOutput {
  private SafeOutput() {}

  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._+-]");

  /** A file name part made of {@code [A-Za-z0-9._+-]} only; never empty, ".", or "..". */
  public static String fileName(String name) {
    String s = UNSAFE.matcher(name == null ? "" : name).replaceAll("_");
    if (s.isEmpty() || s.chars().allMatch(c -> c == '.')) s = "_" + s.substring(Math.min(1, s.length()));
    return s;
  }

  /** {@code dir/<scenario>-<policy><suffix>}, both names sanitised by {@link #fileName}; always inside {@code dir}. */
  public static Path resultFile(Path dir, String scenario, String policy, String suffix) {
    return inside(dir, fileName(scenario) + "-" + fileName(policy) + suffix);
  }

  /** {@code dir/fileName}, with fileName already sanitised; fails if the result leaves {@code dir}. */
  public static Path inside(Path dir, String fileName) {
    Path base = dir.toAbsolutePath().normalize();
    Path p = base.resolve(fileName).normalize();
    if (!p.startsWith(base) || p.equals(base)) {
      throw new IllegalArgumentException("output file name '" + fileName + "' would leave the output folder " + dir);
    }
    return dir.resolve(fileName);
  }

  /** Fails naming both scenarios if two of them would write the same file; keys are file names. */
  public static void checkDistinct(Map<Path, String> fileToOwner, Path file, String owner) {
    String before = fileToOwner.putIfAbsent(file.toAbsolutePath().normalize(), owner);
    if (before != null && !before.equals(owner)) {
      throw new IllegalArgumentException("two outputs would write the same file " + file + ": " + before + " and " + owner
          + " (file names keep [A-Za-z0-9._+-] of the scenario name and replace the rest with '_'; rename one scenario)");
    }
  }

  /**
   * Makes sure {@code dir} exists (creating it), is a folder and is writable, before any work starts. The
   * message names the folder and the operating system's reason.
   */
  public static void checkDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("output folder " + dir + " is not a folder: " + reason(e));
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("cannot create output folder " + dir + ": " + reason(e));
    }
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("output folder " + dir + " is not a folder");
    // A probe file tells more than Files.isWritable (ACLs, read-only mounts, root), and gives the OS reason.
    try {
      Path probe = Files.createTempFile(dir, ".lithos-probe", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("output folder " + dir + " is not writable: " + reason(e));
    }
  }

  /** Writes {@code text} (UTF-8) to {@code file} atomically; creates the parent folder. */
  public static void write(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** What writes a file's content (for files too big to build in memory first). */
  @FunctionalInterface
  public interface Content {
    void writeTo(java.io.Writer w) throws IOException;
  }

  /** Writes {@code bytes} to {@code file} atomically; creates the parent folder. */
  public static void write(Path file, byte[] bytes) {
    writeAtomically(file, tmp -> Files.write(tmp, bytes));
  }

  /** Streams {@code content} (UTF-8) into {@code file} atomically; creates the parent folder. */
  public static void write(Path file, Content content) {
    writeAtomically(file, tmp -> {
      try (java.io.Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        content.writeTo(w);
      }
    });
  }

  private interface Filler {
    void fill(Path tmp) throws IOException;
  }

  private static void writeAtomically(Path file, Filler filler) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      filler.fill(tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING); // same folder: still a rename on usual file systems
      }
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the failure above is what the user needs to see
        }
      }
    }
  }

  /** The operating system's reason, readable ("permission denied", "Not a directory", ...), without the path again. */
  static String reason(Exception e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) return fse.getReason();
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof NotDirectoryException) return "not a directory";
    if (e instanceof NoSuchFileException) return "no such file or directory";
    if (e instanceof FileAlreadyExistsException) return "a file of that name exists";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
