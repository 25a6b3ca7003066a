package io.lithosj.jupyter.eval;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Runs cell code in a JShell whose snippets execute inside this JVM ("local" engine), so that cell code
 * shares the kernel's classes (lithos-core, the display helpers) and its results are real objects.
 * A cell is cut into JShell snippets with {@link SourceCodeAnalysis#analyzeCompletion}; each snippet is
 * registered with the cell line it starts on, which is how compiler positions and stack frames are
 * reported as lines of the cell.
 */
public final class CellEvaluator implements AutoCloseable {
    /** Result of a cell: {@code present} is false when the last snippet had no value (statement, declaration). */
    public record Value(boolean present, Object object) {
        static final Value NONE = new Value(false, null);
    }

    private static final long STOP_RETRY_MS = 100;

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final SnippetOrigins origins = new SnippetOrigins();
    private final PrintStream notes;
    private volatile boolean running;
    private volatile boolean stopRequested;

    /** @param notes where non-fatal remarks go (a declaration that waits for a missing symbol) */
    public CellEvaluator(PrintStream notes) {
        this.notes = notes;
        this.shell = JShell.builder()
                .executionEngine("local")
                .out(notes).err(notes)
                .compilerOptions("-Xlint:none")
                .build();
        this.analysis = shell.sourceCodeAnalysis();
    }

    /** Adds a jar or class folder for both the compiler and the running code. */
    public void addToClassPath(String path) {
        shell.addToClasspath(path);
    }

    /**
     * Runs the Java code of one cell part. Snippets before a failing one have run (as in jshell).
     *
     * @return the value of the last snippet when it is an expression
     */
    public Value run(String cellLabel, Cell.Code code) throws CellFailure {
        stopRequested = false; // before running: a stop retry from the last cell must not see this one
        running = true;
        try {
            String text = code.text();
            Value last = Value.NONE;
            int pos = 0;
            while (true) {
                pos = SourceText.skipBlankAndComments(text, pos);
                if (pos >= text.length()) return last;
                String rest = text.substring(pos);
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                String source;
                int consumed;
                if (info.completeness() == SourceCodeAnalysis.Completeness.COMPLETE) {
                    source = info.source();
                    consumed = rest.length() - info.remaining().length();
                } else { // the rest is one (possibly broken) snippet: let the compiler report on it
                    source = info.source() != null ? info.source() : rest;
                    consumed = rest.length();
                }
                int firstLine = code.firstLine() + SourceText.lineOf(text, pos) - 1;
                last = runSnippet(cellLabel, source, firstLine);
                pos += consumed;
            }
        } finally {
            running = false;
        }
    }

    private Value runSnippet(String cellLabel, String source, int firstLine) throws CellFailure {
        List<SnippetEvent> events = shell.eval(source);
        checkStopped();
        Value value = Value.NONE;
        for (SnippetEvent ev : events) {
            if (ev.causeSnippet() != null) continue; // knock-on updates of earlier snippets
            Snippet sn = ev.snippet();
            origins.put(sn.id(), new SnippetOrigins.Origin(cellLabel, source, firstLine));
            if (ev.status() == Snippet.Status.REJECTED) {
                throw compileFailure(cellLabel, sn, firstLine);
            }
            if (ev.exception() instanceof EvalException ee) throw Tracebacks.thrown(ee, origins);
            if (ev.exception() instanceof UnresolvedReferenceException ure) throw unresolved(ure);
            if (ev.status() == Snippet.Status.RECOVERABLE_DEFINED || ev.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                notes.println("note: " + describe(sn) + " was declared but cannot be used until "
                        + unresolvedOf(sn) + " is declared");
            }
            value = valueOf(sn);
        }
        return value;
    }

    /** Fetches the object of an expression snippet by running a hidden {@code ValueCapture.put(name)}. */
    private Value valueOf(Snippet sn) throws CellFailure {
        String name = null;
        if (sn instanceof VarSnippet v && sn.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            name = v.name();
        } else if (sn instanceof ExpressionSnippet e && sn.subKind().hasValue()) {
            name = e.name();
        }
        if (name == null) return Value.NONE;
        ValueCapture.take();
        List<SnippetEvent> events = shell.eval(ValueCapture.class.getName() + ".put(" + name + ");");
        checkStopped();
        for (SnippetEvent ev : events) {
            if (ev.causeSnippet() == null) shell.drop(ev.snippet());
            if (ev.status() == Snippet.Status.REJECTED || ev.exception() != null) {
                return Value.NONE; // e.g. a value of a type this class loader cannot name: show nothing
            }
        }
        return new Value(true, ValueCapture.take());
    }

    private CellFailure compileFailure(String cellLabel, Snippet sn, int firstLine) {
        List<Diag> errors = shell.diagnostics(sn).filter(Diag::isError).collect(Collectors.toList());
        String src = sn.source();
        List<String> traceback = new ArrayList<>();
        String first = null;
        for (Diag d : errors) {
            long posL = d.getPosition() >= 0 ? d.getPosition() : Math.max(d.getStartPosition(), 0);
            int pos = (int) Math.min(posL, src.length());
            int start = (int) Math.min(Math.max(d.getStartPosition(), 0), pos);
            int end = (int) Math.min(Math.max(d.getEndPosition(), pos), src.length());
            int snippetLine = SourceText.lineOf(src, pos);
            int line = firstLine + snippetLine - 1;
            String message = cleanMessage(d.getMessage(Locale.ROOT));
            if (first == null) first = "line " + line + ": " + message.lines().findFirst().orElse("");
            traceback.add("Cell " + cellLabel + ", line " + line + ": error: " + message);
            String lineText = SourceText.line(src, snippetLine);
            traceback.add("    " + lineText);
            traceback.add("    " + marker(lineText, SourceText.columnOf(src, start), SourceText.columnOf(src, pos),
                    SourceText.lineOf(src, end) == snippetLine ? SourceText.columnOf(src, end) : lineText.length() + 1));
        }
        if (first == null) first = "line " + firstLine + ": the snippet was rejected";
        return new CellFailure("CompilationError", first, traceback);
    }

    /** javac-style caret line under the error: ^ at the position, dashes over the rest of the range. */
    private static String marker(String lineText, int startCol, int posCol, int endCol) {
        StringBuilder sb = new StringBuilder();
        int from = Math.min(startCol, posCol);
        int to = Math.max(endCol - 1, posCol);
        for (int c = 1; c < from; c++) sb.append(c - 1 < lineText.length() && lineText.charAt(c - 1) == '\t' ? '\t' : ' ');
        for (int c = from; c <= to; c++) sb.append(c == posCol ? '^' : '-');
        return sb.toString();
    }

    /** Drops the compiler's mention of JShell's wrapper class, which the user never wrote. */
    private static String cleanMessage(String msg) {
        return msg.lines()
                .filter(l -> !l.strip().matches("location: class\\s*"))
                .collect(Collectors.joining("\n"));
    }

    private CellFailure unresolved(UnresolvedReferenceException ex) {
        String what = describe(ex.getSnippet());
        String message = what + " cannot be used until " + unresolvedOf(ex.getSnippet()) + " is declared";
        List<String> tb = new ArrayList<>();
        tb.add("UnresolvedReference: " + message);
        for (StackTraceElement f : ex.getStackTrace()) tb.addAll(Tracebacks.frame(f, origins));
        return new CellFailure("UnresolvedReference", message, tb);
    }

    private String unresolvedOf(Snippet sn) {
        if (!(sn instanceof jdk.jshell.DeclarationSnippet ds)) return "a missing symbol";
        String names = shell.unresolvedDependencies(ds).collect(Collectors.joining(", "));
        return names.isEmpty() ? "a missing symbol" : names;
    }

    private static String describe(Snippet sn) {
        String kind = sn.kind().name().toLowerCase(Locale.ROOT).replace("type_decl", "type");
        return sn instanceof jdk.jshell.PersistentSnippet ps ? kind + " " + ps.name() : kind;
    }

    private void checkStopped() throws CellFailure {
        if (stopRequested) {
            throw new CellFailure("InterruptedException", "the cell was interrupted",
                    List.of("InterruptedException: the cell was interrupted (Kernel > Interrupt); "
                            + "snippets before the one running have taken effect"));
        }
    }

    /**
     * Stops the running cell (called from another thread); a no-op between cells. JShell can only stop
     * code that is executing, so a request that lands while a snippet compiles is repeated until the
     * cell is over.
     */
    public void stop() {
        if (!running) return;
        stopRequested = true;
        shell.stop();
        Thread retry = new Thread(() -> {
            try {
                while (running && stopRequested) {
                    Thread.sleep(STOP_RETRY_MS);
                    if (running && stopRequested) shell.stop();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lithos-cell-stop");
        retry.setDaemon(true);
        retry.start();
    }

    public boolean isRunning() { return running; }

    public JShell shell() { return shell; }

    public SourceCodeAnalysis analysis() { return analysis; }

    @Override
    public void close() {
        shell.close();
    }
}
