package io.lithosj.report;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A Tablesaw table as aligned plain text for a terminal or plain JShell: numbers formatted by the
 * column's unit ({@link Units}) and right-aligned, text left-aligned, units in the header. The table
 * itself is not changed (it keeps full precision).
 */
public final class TextTable {
  private TextTable() {}

  public static String render(Table t) {
    int cols = t.columnCount();
    List<String[]> rows = new ArrayList<>();
    String[] header = new String[cols];
    boolean[] right = new boolean[cols];
    for (int c = 0; c < cols; c++) {
      Column<?> col = t.column(c);
      header[c] = col instanceof NumericColumn<?> && !isCount(col) ? Units.header(col.name()) : col.name();
      right[c] = col instanceof NumericColumn<?>;
    }
    for (int r = 0; r < t.rowCount(); r++) {
      String[] row = new String[cols];
      for (int c = 0; c < cols; c++) row[c] = cell(t.column(c), r);
      rows.add(row);
    }
    int[] width = new int[cols];
    for (int c = 0; c < cols; c++) {
      width[c] = header[c].length();
      for (String[] row : rows) width[c] = Math.max(width[c], row[c].length());
    }
    StringBuilder sb = new StringBuilder();
    if (t.name() != null && !t.name().isBlank()) sb.append(t.name()).append('\n');
    line(sb, header, width, right);
    String[] rule = new String[cols];
    for (int c = 0; c < cols; c++) rule[c] = "-".repeat(width[c]);
    line(sb, rule, width, right);
    for (String[] row : rows) line(sb, row, width, right);
    return sb.toString();
  }

  private static boolean isCount(Column<?> col) {
    return !(col.type().name().equals("DOUBLE") || col.type().name().equals("FLOAT"));
  }

  private static String cell(Column<?> col, int r) {
    if (col.isMissing(r)) return "-";
    if (col instanceof NumericColumn<?> n && !isCount(col)) return Units.format(col.name(), n.getDouble(r));
    return col.getString(r);
  }

  private static void line(StringBuilder sb, String[] cells, int[] width, boolean[] right) {
    StringBuilder l = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) l.append("  ");
      String pad = " ".repeat(width[c] - cells[c].length());
      l.append(right[c] ? pad + cells[c] : cells[c] + pad);
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }
}
