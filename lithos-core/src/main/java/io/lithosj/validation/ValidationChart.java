package io.lithosj.validation;

import io.lithosj.figures.Charts;
import io.lithosj.figures.Palette;
import io.lithosj.validation.Validation.Cell;
import io.lithosj.validation.Validation.Result;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Modeled against real, one panel per metric: a point per cell (colour = mechanism, a cross where
 * the real run was unstable), the y = x line and the tolerance band (log axes for the ratios).
 */
public final class ValidationChart {
  private ValidationChart() {}

  public static List<XYChart> panels(Result r) {
    List<XYChart> out = new ArrayList<>();
    String gpus = "real " + shortGpu(r.realGpu()) + " (PyTorch) vs modeled " + shortGpu(r.modeledGpu()) + " (sim)";
    for (String metric : List.of(Validation.P99, Validation.P50, Validation.BE_RETAINED)) {
      List<Cell> cells = r.cells().stream().filter(c -> c.metric().equals(metric)
          && Double.isFinite(c.real()) && Double.isFinite(c.modeled()) && c.real() > 0 && c.modeled() > 0).toList();
      boolean ratio = !metric.equals(Validation.BE_RETAINED);
      XYChart c = Charts.xy(metric + ": " + gpus, "real", "modeled");
      c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
      double lo = ratio ? 1 : 0, hi = ratio ? 1 : 1;
      for (Cell x : cells) {
        lo = Math.min(lo, Math.min(x.real(), x.modeled()));
        hi = Math.max(hi, Math.max(x.real(), x.modeled()));
      }
      if (ratio) {
        lo /= 1.3;
        hi *= 1.3;
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
      } else {
        lo = 0;
        hi = Math.max(1.05, hi + 0.05);
      }
      c.getStyler().setXAxisMin(lo).setXAxisMax(hi).setYAxisMin(lo).setYAxisMax(hi);
      double tol = metric.equals(Validation.P99) ? Validation.P99_TOLERANCE
          : metric.equals(Validation.P50) ? Validation.P50_TOLERANCE : Validation.BE_TOLERANCE_ABS;
      line(c, "y = x", lo, hi, 0, ratio, Color.DARK_GRAY);
      String band = ratio ? String.format(java.util.Locale.ROOT, "±%.0f%%", tol * 100) : String.format(java.util.Locale.ROOT, "±%.2f", tol);
      line(c, band, lo, hi, tol, ratio, Color.LIGHT_GRAY);
      line(c, band + " ", lo, hi, -tol, ratio, Color.LIGHT_GRAY);
      Map<String, List<Cell>> bySeries = new LinkedHashMap<>();
      for (Cell x : cells) bySeries.computeIfAbsent(x.mechanism() + (x.realStable() ? "" : " (real unstable)"), k -> new ArrayList<>()).add(x);
      bySeries.forEach((name, pts) -> {
        XYSeries s = c.addSeries(name, pts.stream().mapToDouble(Cell::real).toArray(), pts.stream().mapToDouble(Cell::modeled).toArray());
        s.setMarkerColor(Palette.of(Validation.policyFor(pts.get(0).mechanism()).name()));
        s.setMarker(pts.get(0).realStable() ? SeriesMarkers.CIRCLE : SeriesMarkers.CROSS);
      });
      out.add(c);
    }
    return out;
  }

  /** y = x·(1 + d) (ratio) or y = x + d (absolute), drawn over [lo, hi]. */
  private static void line(XYChart c, String name, double lo, double hi, double d, boolean ratio, Color color) {
    int n = 2;
    double[] x = {lo, hi};
    double[] y = new double[n];
    for (int i = 0; i < n; i++) y[i] = ratio ? x[i] * (1 + d) : x[i] + d;
    if (!ratio && d < 0) x[0] = -d; // start the lower band at y = 0
    if (!ratio && d < 0) y[0] = 0;
    XYSeries s = c.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setShowInLegend(d >= 0);
  }

  private static String shortGpu(String name) {
    if (name == null || name.isBlank()) return "GPU";
    for (String g : new String[] {"H200", "H100", "A100"}) if (name.contains(g)) return g;
    return name;
  }

  /** The three panels side by side in one PNG. */
  public static void save(Result r, Path png) {
    System.setProperty("java.awt.headless", "true");
    List<XYChart> ps = panels(r);
    int w = 620, h = 680;
    for (XYChart c : ps) {
      c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(12f));
    }
    BufferedImage all = new BufferedImage(w * ps.size(), h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    for (int i = 0; i < ps.size(); i++) {
      XYChart c = ps.get(i);
      BufferedImage one = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D cg = one.createGraphics();
      c.paint(cg, w, h);
      cg.dispose();
      g.drawImage(one, i * w, 0, null);
    }
    g.dispose();
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ImageIO.write(all, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }
}
