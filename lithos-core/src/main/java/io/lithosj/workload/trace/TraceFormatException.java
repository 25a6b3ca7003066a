package io.lithosj.workload.trace;

import java.io.IOException;

/**
 * A trace file that is not what its reader expects: malformed or truncated JSON, a missing or
 * mistyped field. The message names the source and the position (line, column, byte offset where
 * known); the numbers are also available as fields, -1 where unknown.
 */
public final class TraceFormatException extends IOException {
  private final String source;
  private final long line;
  private final long column;
  private final long byteOffset;

  public TraceFormatException(String source, long line, long column, long byteOffset, String problem, Throwable cause) {
    super(source + ": " + problem + " at " + position(line, column, byteOffset), cause);
    this.source = source;
    this.line = line;
    this.column = column;
    this.byteOffset = byteOffset;
  }

  public TraceFormatException(String source, long line, long column, long byteOffset, String problem) {
    this(source, line, column, byteOffset, problem, null);
  }

  static String position(long line, long column, long byteOffset) {
    StringBuilder sb = new StringBuilder();
    if (line > 0) sb.append("line ").append(line);
    if (column > 0) sb.append(sb.length() > 0 ? ", " : "").append("column ").append(column);
    if (byteOffset >= 0) sb.append(sb.length() > 0 ? " (byte " + byteOffset + ")" : "byte " + byteOffset);
    return sb.length() == 0 ? "unknown position" : sb.toString();
  }

  public String source() { return source; }
  public long line() { return line; }
  public long column() { return column; }
  public long byteOffset() { return byteOffset; }
}
