package io.lithosj.jupyter.display;

import io.lithosj.report.Units;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.columns.Column;
import tech.tablesaw.table.Relation;

import java.util.List;
import java.util.Set;

/**
 * A Tablesaw table (or view) as an HTML table. Long tables show their head and tail around an elision row,
 * so a notebook stays small; numbers are right-aligned, and decimals are shown by the column's unit
 * ({@code io.lithosj.report.Units}: 3 significant digits, shares as percents), while the table itself keeps
 * full precision.
 */
public final class HtmlTables {
    /** Tables up to this many rows are shown whole; longer ones as head + tail. */
    public static final int MAX_ROWS = 40;
    static final int HEAD_ROWS = 30;
    static final int TAIL_ROWS = 5;

    private static final Set<ColumnType> NUMERIC = Set.of(ColumnType.SHORT, ColumnType.INTEGER, ColumnType.LONG,
            ColumnType.FLOAT, ColumnType.DOUBLE);

    private HtmlTables() {}

    public static String html(Relation table) {
        return html(table, MAX_ROWS);
    }

    public static String html(Relation table, int maxRows) {
        List<Column<?>> cols = table.columns();
        int rows = table.rowCount();
        StringBuilder sb = new StringBuilder(256 + 64 * rows * Math.max(1, cols.size()));
        sb.append("<table class=\"dataframe lithos-table\">\n");
        String name = table.name() == null || table.name().isBlank() ? "" : escape(table.name()) + " &middot; ";
        sb.append("<caption style=\"text-align:left\">").append(name).append(rows).append(rows == 1 ? " row" : " rows")
                .append(" &times; ").append(cols.size()).append(cols.size() == 1 ? " column" : " columns").append("</caption>\n");
        sb.append("<thead><tr>");
        for (Column<?> c : cols) {
            sb.append("<th style=\"text-align:").append(align(c)).append("\">").append(escape(c.name())).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        boolean elide = rows > maxRows;
        int head = elide ? Math.min(HEAD_ROWS, maxRows) : rows;
        appendRows(sb, cols, 0, head);
        if (elide) {
            sb.append("<tr>");
            for (Column<?> c : cols) sb.append("<td style=\"text-align:").append(align(c)).append("\">&hellip;</td>");
            sb.append("</tr>\n");
            appendRows(sb, cols, rows - Math.min(TAIL_ROWS, rows - head), rows);
        }
        sb.append("</tbody>\n</table>");
        return sb.toString();
    }

    private static void appendRows(StringBuilder sb, List<Column<?>> cols, int from, int to) {
        for (int r = from; r < to; r++) {
            sb.append("<tr>");
            for (Column<?> c : cols) {
                sb.append("<td style=\"text-align:").append(align(c)).append("\">")
                        .append(c.isMissing(r) ? "" : escape(cell(c, r))).append("</td>");
            }
            sb.append("</tr>\n");
        }
    }

    /** Decimals by unit, as the CLI prints them; counts and text as they are. */
    private static String cell(Column<?> c, int r) {
        if (c instanceof DoubleColumn || c instanceof FloatColumn) return Units.format(c.name(), ((NumericColumn<?>) c).getDouble(r));
        return c.getString(r);
    }

    private static String align(Column<?> c) {
        return NUMERIC.contains(c.type()) ? "right" : "left";
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
