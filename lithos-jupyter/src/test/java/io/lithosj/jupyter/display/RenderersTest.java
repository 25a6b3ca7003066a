package io.lithosj.jupyter.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderersTest {
    private final Renderer renderer = new Renderer();

    RenderersTest() {
        Renderers.registerAll(renderer);
    }

    private static XYChart chart() {
        XYChart c = new XYChartBuilder().width(300).height(200).title("p99 vs load").build();
        c.addSeries("lithos", new double[]{1, 2}, new double[]{3, 4});
        return c;
    }

    @Test
    void anyXChartChartIsAPngByDefault() throws Exception {
        DisplayData d = renderer.render(chart());
        byte[] png = Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_PNG));
        var img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(300, img.getWidth());
        assertEquals(200, img.getHeight());
        assertEquals("XYChart \"p99 vs load\" (300x200, 1 series: lithos)", d.getData(MIMEType.TEXT_PLAIN));
        assertFalse(d.hasDataForType(MIMEType.IMAGE_SVG));
        var bars = new CategoryChartBuilder().width(200).height(100).build();
        bars.addSeries("x", List.of("a"), List.of(1));
        assertTrue(renderer.render(bars).hasDataForType(MIMEType.IMAGE_PNG), "every Chart subclass renders");
    }

    @Test
    void svgOnRequest() {
        DisplayData d = renderer.renderAs(chart(), Renderers.mimeType("svg"));
        String svg = (String) d.getData(MIMEType.IMAGE_SVG);
        assertTrue(svg.contains("<svg") && svg.contains("</svg>"), svg);
        assertFalse(d.hasDataForType(MIMEType.IMAGE_PNG));
    }

    @Test
    void tablesAreHtmlWithEscapingAlignmentAndMissingValues() {
        Table t = Table.create("a<b", StringColumn.create("policy", "MPS & co", null),
                DoubleColumn.create("p99Ms", 12.5, Double.NaN));
        DisplayData d = renderer.render(t);
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<caption style=\"text-align:left\">a&lt;b &middot; 2 rows &times; 2 columns</caption>"), html);
        assertTrue(html.contains("<th style=\"text-align:left\">policy</th><th style=\"text-align:right\">p99Ms</th>"), html);
        assertTrue(html.contains("<td style=\"text-align:left\">MPS &amp; co</td><td style=\"text-align:right\">12.5</td>"), html);
        assertTrue(html.contains("<tr><td style=\"text-align:left\"></td><td style=\"text-align:right\"></td></tr>"), html);
        assertTrue(((String) d.getData(MIMEType.TEXT_PLAIN)).contains("MPS & co"));
    }

    /** Decimals are shown by unit; the table handed to the renderer keeps full precision. */
    @Test
    void tableNumbersAreFormattedByTheirColumnsUnit() {
        Table t = Table.create("r", DoubleColumn.create("p99Ms", 2.8231415), DoubleColumn.create("sloAttainment", 0.98876),
                DoubleColumn.create("throughputPerSec", 195.5555555555));
        String html = (String) renderer.render(t).getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains(">2.82</td>") && html.contains(">98.9%</td>") && html.contains(">196</td>"), html);
        assertEquals(2.8231415, t.doubleColumn("p99Ms").get(0));
    }

    @Test
    void longTablesShowHeadAndTail() {
        Table t = Table.create("long", IntColumn.create("i", IntStream.range(0, 100).toArray()));
        String html = HtmlTables.html(t);
        assertEquals(HtmlTables.HEAD_ROWS + 1 + HtmlTables.TAIL_ROWS, html.split("<tr>").length - 2, "rows + the elision row");
        assertTrue(html.contains(">29</td>") && !html.contains(">30</td>") && html.contains(">95</td>") && html.contains(">99</td>"));
        assertTrue(html.contains("&hellip;"));
        assertTrue(html.contains("100 rows"));
    }

    @Test
    void formatNamesMapToMimeTypes() {
        assertEquals("image/svg+xml", Renderers.mimeType("SVG"));
        assertEquals("text/html", Renderers.mimeType("text/html"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Renderers.mimeType("gif"));
        assertTrue(e.getMessage().contains("'gif'"));
    }
}
