package io.lithosj.output;

import com.univocity.parsers.csv.CsvFormat;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.Reader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV through univocity-parsers (already on the class path through Tablesaw). A field is quoted
 * only when it holds {@code ,} {@code "} CR or LF, so ordinary names come out exactly as the hand-written
 * CSV did; a quote inside a field is doubled. Lines end with LF. No whitespace trimming, no comment lines.
 */
public final class Csv {
  private Csv() {}

  private static void format(CsvFormat f) {
    f.setDelimiter(',');
    f.setQuote('"');
    f.setQuoteEscape('"');
    f.setLineSeparator("\n");
    f.setComment('\0'); // a field starting with '#' is data, not a comment
  }

  private static CsvWriterSettings writerSettings() {
    CsvWriterSettings s = new CsvWriterSettings();
    format(s.getFormat());
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setQuoteEscapingEnabled(true); // a field with '"' is quoted and the quote doubled
    s.setNormalizeLineEndingsWithinQuotes(false);
    s.setQuotationTriggers('\r'); // ',', '"' and '\n' already trigger quoting
    s.setNullValue("");
    s.setEmptyValue("");
    return s;
  }

  /** A writer of CSV lines (each field quoted only if it must be) onto {@code out}; closing it closes {@code out}. */
  public static CsvWriter writer(java.io.Writer out) { return new CsvWriter(out, writerSettings()); }

  /** One CSV line (with its LF) of these fields, each quoted only if it must be. */
  public static String row(String... fields) {
    StringWriter w = new StringWriter();
    CsvWriter cw = new CsvWriter(w, writerSettings());
    cw.writeRow((Object[]) fields);
    cw.close();
    return w.toString();
  }

  /**
   * One record and its 1-based line for error messages: the parser's line count, exact for records on one
   * line (every file this toolkit writes with ordinary names), approximate after a quoted line break.
   */
  public record Record(long line, String[] fields) {}

  /** Every record (quoted fields may span lines); blank lines are skipped. The caller closes the reader. */
  public static List<Record> parse(Reader in) {
    CsvParserSettings s = new CsvParserSettings();
    format(s.getFormat());
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setNormalizeLineEndingsWithinQuotes(false);
    s.setNullValue("");
    s.setEmptyValue("");
    s.setSkipEmptyLines(true);
    s.setMaxCharsPerColumn(-1);
    s.setMaxColumns(4096);
    s.setLineSeparatorDetectionEnabled(true); // CRLF files from other tools read too
    List<Record> out = new ArrayList<>();
    CsvParser p = new CsvParser(s);
    p.beginParsing(in);
    for (String[] r; (r = p.parseNext()) != null; ) out.add(new Record(p.getContext().currentLine(), r));
    return out;
  }
}
