package io.lithosj.reproduce;

import io.lithosj.output.SafeOutput;
import java.nio.file.Path;
import tech.tablesaw.api.Table;

final class Tables {
  private Tables() {}

  /** Tablesaw's CSV writer (univocity, RFC 4180 quoting), written atomically through a temporary file. */
  static void write(Table t, Path file) {
    SafeOutput.write(file, w -> t.write().csv(w));
  }
}
