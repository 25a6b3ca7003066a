package io.lithosj.report;

import io.lithosj.experiment.RunResult;
import io.lithosj.repo.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * {@code display(...)} for plain JShell, so a notebook's code runs there as written (the Jupyter
 * kernel has its own, which renders to the notebook). Tables print as aligned text, charts are
 * saved as PNG under {@code out/display/} at the repository root (git-ignored) and the file's
 * path is printed, anything else prints its {@code toString()}.
 */
public final class Display {
  private static int charts;

  private Display() {}

  public static void display(Object value) {
    System.out.println(displayText(value));
  }

  /** What {@link #display} prints; a chart is written to a file first. */
  public static String displayText(Object value) {
    if (value instanceof Table t) return TextTable.render(t);
    if (value instanceof RunResult r) return TextTable.render(r.table()) + TextTable.render(r.gpuTable());
    if (value instanceof Chart<?, ?> c) return "chart saved to " + save(c);
    return String.valueOf(value);
  }

  private static synchronized Path save(Chart<?, ?> chart) {
    Path dir = Repo.outputDir().resolve("display");
    String title = chart.getTitle() == null || chart.getTitle().isBlank() ? "chart" : chart.getTitle();
    Path file = dir.resolve(String.format("%03d-%s.png", ++charts, title.replaceAll("[^A-Za-z0-9._-]+", "_")));
    try {
      Files.createDirectories(dir);
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the chart to " + file.toAbsolutePath(), e);
    }
    return file.toAbsolutePath();
  }
}
