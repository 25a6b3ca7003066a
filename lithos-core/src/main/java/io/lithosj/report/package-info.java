/**
 * Results as people read them: numbers formatted by unit ({@link io.lithosj.report.Units}), text
 * tables ({@link io.lithosj.report.TextTable}), the tenant x policy comparison
 * ({@link io.lithosj.report.Comparison}) and {@code display(...)} for plain JShell
 * ({@link io.lithosj.report.Display}). Only views are formatted: CSVs and Tablesaw tables keep full
 * precision.
 */
package io.lithosj.report;
