package io.lithosj.jupyter.display;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.table.Relation;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * What the kernel shows for the toolkit's result types: an XChart chart as image/png (image/svg+xml when
 * asked for), a Tablesaw table as an HTML table, everything else as its text. Every bundle also carries
 * text/plain, so text-only front ends and notebook diffs stay readable.
 */
public final class Renderers {
    private static final Map<String, String> SHORT_NAMES = Map.of(
            "png", "image/png", "svg", "image/svg+xml", "html", "text/html", "text", "text/plain",
            "markdown", "text/markdown", "md", "text/markdown", "latex", "text/latex", "json", "application/json");

    private Renderers() {}

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static void registerAll(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.IMAGE_SVG)
                .register((chart, ctx) -> {
                    Chart<?, ?> c = (Chart<?, ?>) chart;
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> Base64.getEncoder().encodeToString(ChartImages.png(c)));
                    ctx.renderIfRequested(MIMEType.IMAGE_SVG, () -> ChartImages.svg(c));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> ChartImages.describe(c));
                });
        renderer.createRegistration(Relation.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> {
                    Relation t = (Relation) table;
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> HtmlTables.html(t));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> t.print(HtmlTables.MAX_ROWS));
                });
    }

    /** "png", "svg", "html", "text", ... or a full MIME type. */
    public static String mimeType(String format) {
        String f = format.strip().toLowerCase(Locale.ROOT);
        if (f.contains("/")) return f;
        String mime = SHORT_NAMES.get(f);
        if (mime == null) {
            throw new IllegalArgumentException("unknown display format '" + format + "'; use a MIME type or one of "
                    + new java.util.TreeSet<>(SHORT_NAMES.keySet()));
        }
        return mime;
    }
}
