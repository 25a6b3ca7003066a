package io.lithosj.jupyter.eval;

import jdk.jshell.EvalException;
import jdk.jshell.JShellException;

import java.util.ArrayList;
import java.util.List;

/**
 * Formats an exception thrown by cell code like Java's own stack trace, with the REPL frames rewritten to
 * the cell and line the user wrote ("at divide (Cell In[3], line 9)") and that line's source below them.
 * JShell has already cut the trace at the outermost cell frame, so no kernel frame is left to hide.
 */
final class Tracebacks {
    private Tracebacks() {}

    static CellFailure thrown(EvalException ex, SnippetOrigins origins) {
        List<String> lines = new ArrayList<>();
        append(lines, ex, null, origins, "");
        String message = ex.getMessage() == null ? "" : ex.getMessage();
        return new CellFailure(ex.getExceptionClassName(), message, lines);
    }

    private static void append(List<String> out, JShellException ex, StackTraceElement[] enclosing,
                               SnippetOrigins origins, String prefix) {
        String className = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
        out.add(prefix + className + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
        StackTraceElement[] frames = ex.getStackTrace();
        int shared = enclosing == null ? 0 : sharedTail(frames, enclosing);
        for (int i = 0; i < frames.length - shared; i++) {
            out.addAll(frame(frames[i], origins));
        }
        if (shared > 0) out.add("    ... " + shared + " more");
        Throwable cause = ex.getCause();
        if (cause instanceof JShellException jc && cause != ex) {
            append(out, jc, frames, origins, "Caused by: ");
        }
    }

    private static int sharedTail(StackTraceElement[] a, StackTraceElement[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[a.length - 1 - n].equals(b[b.length - 1 - n])) n++;
        return n;
    }

    /** One frame; a cell frame (file "#id") also gets the source line it points at. */
    static List<String> frame(StackTraceElement f, SnippetOrigins origins) {
        String file = f.getFileName();
        if (file == null || !file.startsWith("#")) return List.of("    at " + f);
        SnippetOrigins.Origin origin = origins.get(file.substring(1));
        String where = origin == null
                ? "snippet " + file + ", line " + f.getLineNumber()
                : "Cell " + origin.cellLabel() + ", line " + origin.cellLine(f.getLineNumber());
        String method = f.getMethodName();
        String owner = f.getClassName();
        String name = owner.isEmpty() ? method : method.isEmpty() ? owner : owner + "." + method;
        List<String> out = new ArrayList<>();
        out.add(name.isEmpty() ? "    at " + where : "    at " + name + " (" + where + ")");
        if (origin != null) {
            String src = origin.sourceLine(f.getLineNumber()).strip();
            if (!src.isEmpty()) out.add("        " + src);
        }
        return out;
    }
}
