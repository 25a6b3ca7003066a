package io.lithosj.reproduce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tech.tablesaw.api.Table;

final class Tables {
  private Tables() {}

  static void write(Table t, Path file) {
    try {
      Files.createDirectories(file.getParent());
      t.write().csv(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
