package io.lithosj.experiment;

/** A scenario that cannot run; {@code field} is its path in the file, e.g. {@code tenants[1].ratePerSec}. */
public final class ScenarioException extends IllegalArgumentException {
  private final String field;

  public ScenarioException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() { return field; }
}
