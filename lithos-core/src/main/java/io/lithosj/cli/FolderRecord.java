package io.lithosj.cli;

import io.lithosj.output.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The run record of a command that writes many files into a folder (reproduce, calibrate,
 * gpu-smoke): {@code DIR/<name>.run.json} lists the files under DIR that this command wrote or
 * rewrote (modified since it started), so the record never claims an older file.
 */
final class FolderRecord {
  private FolderRecord() {}

  static void write(CommandSpec spec, Path dir, String name, FileTime since, Map<String, String> hashes) {
    List<Path> files;
    Path sidecar = dir.resolve(name + ".run.json");
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(Files::isRegularFile).filter(f -> !f.equals(sidecar)).filter(f -> modifiedSince(f, since)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir.toAbsolutePath(), e);
    }
    RunRecord.write(sidecar, LithosCli.typed(spec), files, hashes);
  }

  /** Now, as the file system stamps it (for {@link #write}'s {@code since}). */
  static FileTime now() {
    return FileTime.fromMillis(System.currentTimeMillis() - 1000); // a second's slack for coarse file system clocks
  }

  private static boolean modifiedSince(Path f, FileTime since) {
    try {
      return Files.getLastModifiedTime(f).compareTo(since) >= 0;
    } catch (IOException e) {
      return false;
    }
  }
}
