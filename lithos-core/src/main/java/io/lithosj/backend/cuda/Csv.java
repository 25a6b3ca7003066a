package io.lithosj.backend.cuda;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A tiny CSV writer for measurement tables (numbers in the root locale, 6 significant digits). */
final class Csv implements AutoCloseable {
  private final BufferedWriter out;
  private final int columns;
  private final Path path;

  Csv(Path path, String... header) {
    this.path = path;
    this.columns = header.length;
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      out = Files.newBufferedWriter(path);
      out.write(String.join(",", header));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + path, e);
    }
  }

  void row(Object... values) {
    if (values.length != columns) throw new IllegalArgumentException(path + ": row has " + values.length + " values, header " + columns);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) sb.append(',');
      sb.append(format(values[i]));
    }
    try {
      out.write(sb.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + path, e);
    }
  }

  static String format(Object v) {
    if (v instanceof Double d) return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6g", d);
    if (v instanceof Float f) return format((double) f);
    String s = String.valueOf(v);
    return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  @Override public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + path, e);
    }
  }
}
