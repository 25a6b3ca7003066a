package io.lithosj.figures;

import io.lithosj.experiment.RealComparison;
import io.lithosj.experiment.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Chart builders shared by the paper figures, notebooks and CLI; every axis carries its unit. */
public final class Charts {
  private Charts() {}

  /** Latency CDF of one tenant under each run (one line per policy). */
  public static XYChart latencyCdf(String title, String tenant, List<RunResult> runs) {
    XYChart c = xy(title, "latency (ms)", "fraction of requests");
    for (RunResult r : runs) {
      Histogram h = r.latencyHistograms().get(tenant);
      if (h == null || h.getTotalCount() == 0) continue;
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (HistogramIterationValue v : h.percentiles(5)) {
        x.add(v.getValueIteratedTo() / 1000.0);
        y.add(v.getPercentileLevelIteratedTo() / 100.0);
      }
      XYSeries s = c.addSeries(r.policy(), x, y);
      s.setLineColor(Palette.of(r.policy()));
      s.setMarker(SeriesMarkers.NONE);
    }
    c.getStyler().setXAxisLogarithmic(true);
    return c;
  }

  /** Grouped bars: categories (x) × series, each series coloured by its policy name. */
  public static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories,
                                   Map<String, List<Double>> seriesByPolicy, boolean logY) {
    CategoryChart c = new CategoryChartBuilder().width(900).height(500).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    style(c.getStyler());
    if (logY) {
      // XChart draws log-scale bars only between decade bounds that it is given
      double min = seriesByPolicy.values().stream().flatMap(List::stream).filter(v -> v > 0).mapToDouble(v -> v).min().orElse(1);
      double max = seriesByPolicy.values().stream().flatMap(List::stream).filter(v -> v > 0).mapToDouble(v -> v).max().orElse(10);
      c.getStyler().setYAxisLogarithmic(true);
      c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
      c.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max * 1.0001))));
    }
    c.getStyler().setOverlapped(false);
    seriesByPolicy.forEach((policy, values) -> c.addSeries(policy, categories, values).setFillColor(Palette.of(policy)));
    return c;
  }

  /** A value with its symmetric 95% half-width (error bar); {@code marked} adds a note to its label (e.g. unstable). */
  public record Bar(double value, double halfWidth, boolean marked) {}

  /**
   * One bar per system (x = systems, each coloured as its policy), error bars from seeds, and a
   * horizontal line at {@code lineValue} (e.g. the SLO) when it is finite; linear y axis from 0.
   * A {@code marked} bar's label gets {@code markNote}.
   */
  public static CategoryChart systemBars(String title, String yTitle, Map<String, Bar> bySystem, String lineLabel,
                                         double lineValue, String markNote) {
    CategoryChart c = new CategoryChartBuilder().width(1000).height(520).title(title).xAxisTitle("system").yAxisTitle(yTitle).build();
    style(c.getStyler());
    c.getStyler().setOverlapped(true);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
    List<String> labels = bySystem.entrySet().stream().map(e -> e.getValue().marked() ? e.getKey() + " " + markNote : e.getKey()).toList();
    int i = 0;
    for (var e : bySystem.entrySet()) {
      List<Double> y = new ArrayList<>();
      List<Double> err = new ArrayList<>();
      for (int j = 0; j < labels.size(); j++) {
        y.add(j == i ? e.getValue().value() : 0.0);
        err.add(j == i ? finiteOr0(e.getValue().halfWidth()) : 0.0);
      }
      c.addSeries(e.getKey(), labels, y, err).setFillColor(Palette.of(e.getKey()));
      i++;
    }
    if (Double.isFinite(lineValue)) {
      var line = c.addSeries(lineLabel, labels, labels.stream().map(x -> lineValue).toList());
      line.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
      line.setLineColor(java.awt.Color.BLACK);
      line.setMarker(SeriesMarkers.NONE);
      line.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
          new float[] {8f, 6f}, 0f));
    }
    return c;
  }

  /** Grouped bars with error bars: categories (x) × series (coloured by policy), linear y axis from 0. */
  public static CategoryChart barsWithErrors(String title, String xTitle, String yTitle, List<String> categories,
                                             Map<String, List<Bar>> seriesByPolicy) {
    CategoryChart c = new CategoryChartBuilder().width(1100).height(520).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(c.getStyler());
    c.getStyler().setOverlapped(false);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
    seriesByPolicy.forEach((policy, bars) -> c.addSeries(policy, categories,
        bars.stream().map(b -> Double.isFinite(b.value()) ? b.value() : 0.0).toList(),
        bars.stream().map(b -> finiteOr0(b.halfWidth())).toList()).setFillColor(Palette.of(policy)));
    return c;
  }

  /** Lines with error bars over a swept parameter, one per variant. */
  public static XYChart linesWithErrors(String title, String xTitle, String yTitle, double[] x, Map<String, List<Bar>> byVariant) {
    XYChart c = xy(title, xTitle, yTitle);
    c.getStyler().setErrorBarsColorSeriesColor(true);
    byVariant.forEach((variant, bars) -> {
      XYSeries s = c.addSeries(variant, x, bars.stream().mapToDouble(Bar::value).toArray(),
          bars.stream().mapToDouble(b -> finiteOr0(b.halfWidth())).toArray());
      s.setLineColor(Palette.of(variant));
      s.setMarkerColor(Palette.of(variant));
      s.setMarker(SeriesMarkers.CIRCLE);
    });
    return c;
  }

  private static double finiteOr0(double v) { return Double.isFinite(v) ? v : 0.0; }

  /** Lines over a swept parameter, one per policy or variant. */
  public static XYChart lines(String title, String xTitle, String yTitle, Map<String, double[][]> xyByPolicy) {
    XYChart c = xy(title, xTitle, yTitle);
    xyByPolicy.forEach((policy, xy) -> {
      XYSeries s = c.addSeries(policy, xy[0], xy[1]);
      s.setLineColor(Palette.of(policy));
      s.setMarkerColor(Palette.of(policy));
      s.setMarker(SeriesMarkers.CIRCLE);
    });
    return c;
  }

  /** Lines whose series are not policies (e.g. tenants under one policy): each its own colour and marker. */
  public static XYChart linesOfSeries(String title, String xTitle, String yTitle, Map<String, double[][]> xyBySeries) {
    XYChart c = xy(title, xTitle, yTitle);
    org.knowm.xchart.style.markers.Marker[] markers = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};
    int i = 0;
    for (var e : xyBySeries.entrySet()) {
      XYSeries s = c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
      s.setLineColor(Palette.series(i));
      s.setMarkerColor(Palette.series(i));
      s.setMarker(markers[i % markers.length]);
      i++;
    }
    return c;
  }

  /**
   * The modeled GPU against the real one: each p99 latency and throughput of a comparison as modeled
   * over real (1 = exact), one point per value, coloured by policy; the band is the tolerance.
   */
  public static XYChart realVsModeled(String title, List<RealComparison.Row> rows, double tolerancePct) {
    XYChart c = xy(title, "value on the real GPU (p99 ms or requests|iterations per s, log)", "modeled / real");
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    double lo = Double.POSITIVE_INFINITY, hi = 0;
    Map<String, List<double[]>> byPolicy = new java.util.LinkedHashMap<>();
    for (RealComparison.Row r : rows) {
      if (!(r.metric().equals("p99Ms") || r.metric().equals("throughputPerSec")) || !(r.real() > 0) || !(r.modeled() > 0)) continue;
      byPolicy.computeIfAbsent(r.policy(), k -> new ArrayList<>()).add(new double[] {r.real(), r.modeled() / r.real()});
      lo = Math.min(lo, r.real());
      hi = Math.max(hi, r.real());
    }
    byPolicy.forEach((policy, pts) -> {
      XYSeries s = c.addSeries(policy, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
      s.setMarkerColor(Palette.of(policy));
      s.setMarker(SeriesMarkers.CIRCLE);
    });
    if (hi > 0) {
      for (double f : new double[] {1 - tolerancePct / 100, 1, 1 + tolerancePct / 100}) {
        XYSeries s = c.addSeries(f == 1 ? "exact" : String.format(java.util.Locale.ROOT, "%+.0f%%", (f - 1) * 100),
            new double[] {lo / 1.5, hi * 1.5}, new double[] {f, f});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(f == 1 ? java.awt.Color.DARK_GRAY : java.awt.Color.LIGHT_GRAY);
      }
    }
    return c;
  }

  public static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart c = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(c.getStyler());
    return c;
  }

  private static void style(Styler s) {
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setChartBackgroundColor(java.awt.Color.WHITE);
  }

  /** Writes {@code dir/name.png} (150 dpi) and {@code dir/name.svg}. */
  public static void save(Chart<?, ?> chart, Path dir, String name) {
    System.setProperty("java.awt.headless", "true");
    try {
      Files.createDirectories(dir);
      BitmapEncoder.saveBitmapWithDPI(chart, dir.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG, 150);
      VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve(name + ".svg").toString(),
          VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write figure " + name + " to " + dir, e);
    }
  }
}
