package io.lithosj.os;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A policy parameter's description and unit, read at run time by {@code lithos policies} (the
 * Javadoc beside each field keeps the sources and the reasoning). One convention for shares: a
 * {@link #FRACTION} is written 0..1 in a scenario ({@code 0.04} = 4%); a {@link #PERCENT} is written
 * 0..100 and only where the name says so ({@code ...Pct}, {@code ...Percent}, as CUDA's
 * {@code CUDA_MPS_ACTIVE_THREAD_PERCENTAGE} does).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Param {
  String FRACTION = "fraction";
  String PERCENT = "%";

  /** What the parameter does, one or two sentences ending with a period. */
  String value();

  /**
   * The unit: ms, us, fraction, %, blocks, count, factor, priority, on/off, name or list (of the
   * element's unit, said in the description).
   */
  String unit();
}
