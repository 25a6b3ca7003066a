package io.lithosj.jupyter.display;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** XChart charts as the bytes a notebook stores: PNG (default) or SVG (on request). */
public final class ChartImages {
    private ChartImages() {}

    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + chart.getTitle() + "' as PNG", e);
        }
    }

    public static String svg(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + chart.getTitle() + "' as SVG", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The text/plain stand-in, shown where images are not (terminals, text diffs of notebooks). */
    public static String describe(Chart<?, ?> chart) {
        String title = chart.getTitle() == null || chart.getTitle().isBlank() ? "untitled" : "\"" + chart.getTitle() + "\"";
        int series = chart.getSeriesMap().size();
        return chart.getClass().getSimpleName() + " " + title + " (" + chart.getWidth() + "x" + chart.getHeight()
                + ", " + series + " series: " + String.join(", ", chart.getSeriesMap().keySet()) + ")";
    }
}
