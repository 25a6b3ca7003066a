/**
 * Sweeps: many independent runs of the modeled GPU described by one file (a base scenario, axes
 * that set any scenario or policy field by its JSON path, policies), expanded into points, run in
 * process on all cores here or as Spark tasks by the {@code lithos-spark} module, and gathered into
 * one table keyed by the axes. A point's result depends only on its scenario (seed included), so
 * the table is identical whoever runs the points and in whatever order.
 */
package io.lithosj.sweep;
