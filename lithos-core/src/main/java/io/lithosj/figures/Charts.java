package io.lithosj.figures;

import io.lithosj.experiment.RealComparison;
import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.TenantMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /**
   * Latency CDF of one tenant under each run (one line per policy), with the tenant's SLO as a vertical line
   * when it has one. The latency axis is logarithmic only where the data spans more than
   * {@link #LOG_AXIS_MIN_SPAN} (else a log axis shows one tick), and then over the data's range, not whole
   * decades. A run whose requests did not all complete says so in its legend entry ("mps: 0 of 52
   * completed"), since its curve covers the completed ones only, or is missing. The title gets the runs'
   * backend and GPU ("modeled H100 SXM (sim)") unless it names them.
   */
  public static XYChart latencyCdf(String title, String tenant, List<RunResult> runs) {
    XYChart c = xy(Titles.withWhere(title, Titles.where(runs)), "latency (ms)", "fraction of completed requests");
    double lo = Double.POSITIVE_INFINITY, hi = 0, sloMs = Double.NaN;
    List<String> noCurve = new ArrayList<>();
    for (RunResult r : runs) {
      TenantMetrics m = r.tenants().stream().filter(t -> t.tenant().equals(tenant)).findFirst().orElse(null);
      if (m != null && m.sloMs() > 0 && Double.isFinite(m.sloMs())) sloMs = m.sloMs();
      String name = m != null && m.unfinished() > 0
          ? r.policy() + ": " + m.completed() + " of " + (m.completed() + m.unfinished()) + " completed" : r.policy();
      Histogram h = r.latencyHistograms().get(tenant);
      if (h == null || h.getTotalCount() == 0) {
        noCurve.add(name);
        continue;
      }
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (HistogramIterationValue v : h.percentiles(5)) {
        x.add(v.getValueIteratedTo() / 1000.0);
        y.add(v.getPercentileLevelIteratedTo() / 100.0);
      }
      lo = Math.min(lo, x.get(0));
      hi = Math.max(hi, x.get(x.size() - 1));
      XYSeries s = c.addSeries(name, x, y);
      s.setLineColor(Palette.of(r.policy()));
      s.setMarker(SeriesMarkers.NONE);
    }
    if (Double.isFinite(sloMs)) {
      lo = Math.min(lo, sloMs);
      hi = Math.max(hi, sloMs);
      sloLine(c.addSeries("SLO " + Numbers.sig(sloMs, 3) + " ms", new double[] {sloMs, sloMs}, new double[] {0, 1}));
    }
    if (hi <= 0) hi = 1; // nothing completed and no SLO: an empty axis, not a broken one
    for (String name : noCurve) { // a legend entry in the policy's colour, drawn nowhere (no line, no marker)
      XYSeries s = c.addSeries(name, new double[] {hi}, new double[] {0});
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(Palette.of(name.split(":")[0]));
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    }
    if (lo > 0 && hi / lo > LOG_AXIS_MIN_SPAN) {
      c.getStyler().setXAxisLogarithmic(true);
      c.getStyler().setXAxisMin(lo / 1.1).setXAxisMax(hi * 1.1);
      c.setXAxisTitle("latency (ms, log scale)");
    } else {
      c.getStyler().setXAxisMin(0.0).setXAxisMax(hi * 1.05);
    }
    c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    return c;
  }

  /** Largest over smallest value from which a latency axis is logarithmic: 1.5 decades, so it has decade ticks. */
  public static final double LOG_AXIS_MIN_SPAN = 30;

  /** Grouped bars: categories (x) × series, each series coloured by its policy name; linear y axis from 0. */
  public static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories,
                                   Map<String, List<Double>> seriesByPolicy) {
    Map<String, List<Bar>> bars = new LinkedHashMap<>();
    seriesByPolicy.forEach((p, v) -> bars.put(p, v.stream().map(x -> new Bar(x, Double.NaN, false)).toList()));
    return barsWithErrors(title, xTitle, yTitle, categories, bars);
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
    double top = Double.isFinite(lineValue) ? lineValue : 0;
    for (Bar b : bySystem.values()) top = Math.max(top, finiteOr0(b.value()) + finiteOr0(b.halfWidth()));
    List<String> labels = new ArrayList<>();
    for (var e : bySystem.entrySet()) {
      String label = e.getValue().marked() ? e.getKey() + " " + markNote : e.getKey();
      double v = e.getValue().value();
      labels.add(tooShortToSee(v, top) ? label + " = " + Numbers.sig(v, 2) : label);
    }
    int i = 0;
    for (var e : bySystem.entrySet()) {
      // one series per system, for its colour (XChart's series has one), 0 at the other systems' places
      List<Double> y = new ArrayList<>();
      List<Double> err = new ArrayList<>();
      for (int j = 0; j < labels.size(); j++) {
        y.add(j == i ? finiteOr0(e.getValue().value()) : 0.0);
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
      line.setLineStyle(SLO_STROKE);
    }
    return c;
  }

  /**
   * Grouped bars with error bars: categories (x) × series (coloured by policy), linear y axis from 0. A bar
   * too short to see (under 1% of the tallest) is named with its value under its category, e.g.
   * "be (tgs = 0.003)", so a zero reads as a zero and not as a missing bar.
   */
  public static CategoryChart barsWithErrors(String title, String xTitle, String yTitle, List<String> categories,
                                             Map<String, List<Bar>> seriesByPolicy) {
    CategoryChart c = new CategoryChartBuilder().width(1100).height(520).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(c.getStyler());
    c.getStyler().setOverlapped(false);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
    double top = 0;
    for (List<Bar> bars : seriesByPolicy.values()) {
      for (Bar b : bars) top = Math.max(top, finiteOr0(b.value()) + finiteOr0(b.halfWidth()));
    }
    List<String> labels = new ArrayList<>();
    boolean crowded = false;
    for (int k = 0; k < categories.size(); k++) {
      List<String> notes = new ArrayList<>();
      for (var e : seriesByPolicy.entrySet()) {
        double v = e.getValue().get(k).value();
        if (tooShortToSee(v, top)) notes.add(e.getKey() + " = " + Numbers.sig(v, 2));
      }
      // more than two names run into the next category's label: the axis title says it once instead
      crowded |= notes.size() > MAX_BAR_NOTES;
      labels.add(notes.isEmpty() || notes.size() > MAX_BAR_NOTES ? categories.get(k)
          : categories.get(k) + " (" + String.join(", ", notes) + ")");
    }
    if (crowded) c.setXAxisTitle(xTitle + "; bars under " + Numbers.sig(0.01 * top, 2) + " are too short to see (values in the data)");
    boolean anyError = seriesByPolicy.values().stream().flatMap(List::stream).anyMatch(b -> Double.isFinite(b.halfWidth()));
    seriesByPolicy.forEach((policy, bars) -> {
      List<Double> y = bars.stream().map(b -> finiteOr0(b.value())).toList();
      var s = anyError ? c.addSeries(policy, labels, y, bars.stream().map(b -> finiteOr0(b.halfWidth())).toList())
          : c.addSeries(policy, labels, y);
      s.setFillColor(Palette.of(policy));
    });
    return c;
  }

  /** How many too-short bars a category label names one by one. */
  static final int MAX_BAR_NOTES = 2;

  /** Zero, or under 1% of the axis: a bar of at most a few pixels reads as no bar. NaN (no value) is noted too. */
  private static boolean tooShortToSee(double v, double top) {
    return !Double.isFinite(v) || v == 0 || Math.abs(v) < 0.01 * top;
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

  /** The SLO's look in every figure: a dashed black line. */
  private static void sloLine(XYSeries s) {
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(java.awt.Color.BLACK);
    s.setLineStyle(SLO_STROKE);
  }

  private static final java.awt.BasicStroke SLO_STROKE = new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT,
      java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f);

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

  /**
   * Lines whose series are tenants (e.g. under one policy): each in its tenant's colour ({@link Palette#tenant}),
   * with its own marker.
   */
  public static XYChart linesOfTenants(String title, String xTitle, String yTitle, Map<String, double[][]> xyByTenant) {
    XYChart c = xy(title, xTitle, yTitle);
    org.knowm.xchart.style.markers.Marker[] markers = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};
    int i = 0;
    for (var e : xyByTenant.entrySet()) {
      double[] x = e.getValue()[0];
      double[] y = e.getValue()[1];
      // all its points on one spot (e.g. a mechanism that never acts: 0, 0) hide under another tenant's: say where
      boolean onePoint = x.length > 1 && java.util.Arrays.stream(x).allMatch(v -> v == x[0])
          && java.util.Arrays.stream(y).allMatch(v -> v == y[0]);
      String name = onePoint ? e.getKey() + " (all at " + Numbers.sig(x[0], 2) + ", " + Numbers.sig(y[0], 2) + ")" : e.getKey();
      XYSeries s = c.addSeries(name, x, y);
      s.setLineColor(Palette.tenant(e.getKey()));
      s.setMarkerColor(Palette.tenant(e.getKey()));
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
      c.getStyler().setXAxisMin(lo / 1.5).setXAxisMax(hi * 1.5); // the data's range, not whole decades
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
