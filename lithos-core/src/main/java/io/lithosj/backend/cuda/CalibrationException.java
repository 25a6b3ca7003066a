package io.lithosj.backend.cuda;

/**
 * A calibration file that cannot be used. {@code field} is the path in the file
 * ({@code power.idleW}, {@code replay.shapes[2].factor}) or {@code file} for the file as a whole;
 * the message starts with the file, then the field: {@code calibration/h200/calibration.json: power.idleW: ...}.
 */
public final class CalibrationException extends IllegalArgumentException {
  private final String field;

  public CalibrationException(String file, String field, String message) {
    super(file + ": " + field + ": " + message);
    this.field = field;
  }

  public String field() { return field; }
}
