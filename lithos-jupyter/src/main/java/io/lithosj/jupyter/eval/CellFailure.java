package io.lithosj.jupyter.eval;

import java.util.List;

/**
 * A cell that did not run to its end, in the terms a Jupyter error carries: a name, a value and the lines
 * of a traceback. The traceback holds what a Java user needs (the compiler message with its cell line, or
 * the exception with the frames of the user's and the toolkit's code), never the kernel's own frames.
 */
public final class CellFailure extends Exception {
    private final String ename;
    private final String evalue;
    private final List<String> traceback;

    public CellFailure(String ename, String evalue, List<String> traceback) {
        super(ename + ": " + evalue, null, false, false);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    public String ename() { return ename; }

    public String evalue() { return evalue; }

    public List<String> traceback() { return traceback; }
}
