package io.lithosj.input;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;

/** Where a Jackson error points, in the form every loader's messages use: {@code tenants[1].load}, {@code (line 4, column 9)}. */
public final class JsonErrors {
  private JsonErrors() {}

  /** The JSON path of the field a mapping error is about ({@code a.b[2].c}); empty at the top level. */
  public static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** {@code " (line L, column C)"}, or empty where the parser knows no line. */
  public static String at(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }
}
