/**
 * Where the repository's own inputs are (scenario folders, committed real results, calibrations)
 * when {@code lithos} runs from another directory: paths the user types stay relative to the
 * caller's working directory, only defaults that name repository files resolve here.
 */
package io.lithosj.home;
