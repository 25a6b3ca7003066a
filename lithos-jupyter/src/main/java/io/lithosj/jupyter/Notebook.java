package io.lithosj.jupyter;

import io.lithosj.jupyter.display.Renderers;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.Arrays;

/**
 * What a notebook cell calls to show things; the kernel's startup imports these statically.
 * <pre>
 *   display(chart);            // image/png
 *   display(chart, "svg");     // image/svg+xml
 *   display(resultsTable);     // HTML table
 *   markdown("**P99** = " + p99Ms + " ms")   // as a cell's last expression
 * </pre>
 * Outside a running kernel (plain jshell with this jar) display prints the value's text instead.
 */
public final class Notebook {
    private Notebook() {}

    /** Shows a value the way the kernel shows a cell's result: charts as PNG, tables as HTML, else text. */
    public static void display(Object value) {
        LithosKernel kernel = LithosKernel.running();
        if (kernel == null) {
            System.out.println(value);
            return;
        }
        kernel.display(value instanceof DisplayData d ? d : kernel.getRenderer().render(value));
    }

    /**
     * Shows a value in the given formats ("png", "svg", "html", "text", or MIME types),
     * e.g. {@code display(chart, "svg")} or {@code display(chart, "png", "svg")}.
     */
    public static void display(Object value, String... formats) {
        String[] mimes = Arrays.stream(formats).map(Renderers::mimeType).toArray(String[]::new);
        LithosKernel kernel = LithosKernel.running();
        if (kernel == null) {
            System.out.println(value);
            return;
        }
        kernel.display(kernel.getRenderer().renderAs(value, mimes));
    }

    /** Raw HTML, shown as such when it is a cell's last expression or passed to display. */
    public static DisplayData html(String html) {
        DisplayData d = new DisplayData(html.replaceAll("<[^>]*>", ""));
        d.putHTML(html);
        return d;
    }

    /** Markdown text (rendered by the front end), e.g. to state a result in prose. */
    public static DisplayData markdown(String markdown) {
        DisplayData d = new DisplayData(markdown);
        d.putMarkdown(markdown);
        return d;
    }

    /** The kernel running this notebook, e.g. to reach its renderer; null outside a kernel. */
    public static BaseKernel kernel() {
        return LithosKernel.running();
    }
}
