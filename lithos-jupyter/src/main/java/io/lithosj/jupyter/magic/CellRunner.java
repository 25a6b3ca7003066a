package io.lithosj.jupyter.magic;

import io.lithosj.jupyter.eval.CellEvaluator;
import io.lithosj.jupyter.eval.CellFailure;

/** Runs cell text (code, magics, commands) as the kernel runs a cell; what {@code %load} and {@code %time} run through. */
@FunctionalInterface
public interface CellRunner {
    /** @param label how errors name the code, e.g. "In[3]" or "helpers.jsh" */
    CellEvaluator.Value run(String label, String code) throws CellFailure;
}
