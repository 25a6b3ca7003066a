/**
 * LithOS-J on Apache Spark: the points of a sweep or a fleet study run as Spark tasks, embedded
 * ({@code local[*]}) or on any master. Its own jar, so the notebook jar (lithos-core) stays free
 * of Spark; the sweep and fleet logic itself is in lithos-core ({@code io.lithosj.sweep},
 * {@code io.lithosj.fleet}), and this package only runs its points.
 */
package io.lithosj.spark;
