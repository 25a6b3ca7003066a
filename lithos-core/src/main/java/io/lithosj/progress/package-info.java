/**
 * Progress of long work (one run, a sweep of runs) as done/total, elapsed time and time left, for
 * whoever shows it: the CLI's stderr line, the notebook kernel's display updated in place. The
 * simulation itself never reads any of this, so showing progress cannot change a result.
 */
package io.lithosj.progress;
