package io.lithosj.jupyter.magic;

import io.lithosj.jupyter.eval.Cell;
import io.lithosj.jupyter.eval.CellEvaluator;
import io.lithosj.jupyter.eval.CellFailure;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a cell's magics and jshell commands. A failing magic is a "MagicError" that names the cell line, the
 * magic and the reason in one line; code that a magic runs ({@code %load}, {@code %time}) fails as code.
 */
public final class Magics {
    /** Line magics and what each does, as {@code %lsmagic} lists them. */
    static final Map<String, String> LINE = orderedMap(
            "classpath", "%classpath PATH...: add jars or class folders (globs); alone: list the class path",
            "jars", "%jars PATH...: add jars; a folder stands for the jars in it",
            "maven", "%maven GROUP:ARTIFACT:VERSION...: add an artifact and its runtime dependencies (local repository, then Maven Central)",
            "load", "%load FILE: run a script (.jsh, .java) or a notebook's code cells (.ipynb) in this session",
            "time", "%time CODE: run CODE and print its wall and CPU time",
            "lsmagic", "%lsmagic: list the magics and commands");
    static final Map<String, String> CELL = orderedMap(
            "time", "%%time: run the rest of the cell and print its wall and CPU time");
    static final Map<String, String> COMMANDS = orderedMap(
            "vars", "/vars: the variables, with type and value",
            "imports", "/imports: the imports in effect",
            "methods", "/methods: the methods declared",
            "types", "/types: the classes, interfaces, records and enums declared");

    private final CellEvaluator evaluator;
    private final PrintStream out;
    private final CellRunner runner;
    private final ClassPathMagic classPath;
    private final MavenResolver maven;

    public Magics(CellEvaluator evaluator, PrintStream out, CellRunner runner) {
        this(evaluator, out, runner, new MavenResolver());
    }

    Magics(CellEvaluator evaluator, PrintStream out, CellRunner runner, MavenResolver maven) {
        this.evaluator = evaluator;
        this.out = out;
        this.runner = runner;
        this.classPath = new ClassPathMagic(evaluator, out);
        this.maven = maven;
    }

    /** A line magic; its value is the code's for %time and %load, none otherwise. */
    public CellEvaluator.Value run(String cellLabel, Cell.Magic magic) throws CellFailure {
        String where = "Cell " + cellLabel + ", line " + magic.firstLine();
        try {
            switch (magic.name()) {
                case "classpath" -> classPath.classpath(magic.args());
                case "jars" -> classPath.jars(magic.args());
                case "maven" -> maven(magic.args());
                case "load" -> { return LoadMagic.load(magic.args(), runner); }
                case "time" -> { return TimeMagic.time(cellLabel, "\n".repeat(magic.firstLine() - 1) + magic.args(), runner, out); }
                case "lsmagic" -> lsmagic();
                default -> throw new IllegalArgumentException("unknown magic %" + magic.name() + " (%lsmagic lists them: %"
                        + String.join(", %", LINE.keySet()) + ", and %%" + String.join(", %%", CELL.keySet()) + ")");
            }
        } catch (IllegalArgumentException | IOException e) {
            throw failure(where, "%" + magic.name(), e);
        }
        return new CellEvaluator.Value(false, null);
    }

    /** A cell magic ({@code %%time}): its body runs as a cell of its own, lines counted from the cell's. */
    public CellEvaluator.Value run(String cellLabel, Cell.CellMagic magic) throws CellFailure {
        if (magic.name().equals("time")) {
            // blank lines in place of the %% line keep the body's line numbers those of the cell
            return TimeMagic.time(cellLabel, "\n".repeat(magic.firstLine()) + magic.body(), runner, out);
        }
        String where = "Cell " + cellLabel + ", line " + magic.firstLine();
        throw failure(where, "%%" + magic.name(), new IllegalArgumentException("unknown cell magic %%" + magic.name()
                + " (this kernel knows %%" + String.join(", %%", CELL.keySet()) + "; %lsmagic lists all)"));
    }

    /** A jshell command: {@code /vars}, {@code /imports}, {@code /methods}, {@code /types}. */
    public void run(String cellLabel, Cell.Command command) throws CellFailure {
        try {
            ShellCommands.run(evaluator.shell(), command.name(), out);
        } catch (IllegalArgumentException e) {
            throw failure("Cell " + cellLabel + ", line " + command.firstLine(), "/" + command.name(), e);
        }
    }

    private void maven(String args) {
        List<String> coordinates = List.of(args.strip().split("\\s+"));
        if (args.isBlank()) throw new IllegalArgumentException("give GROUP:ARTIFACT:VERSION, e.g. %maven org.apache.commons:commons-math3:3.6.1");
        for (String c : coordinates) {
            List<Path> jars = maven.resolve(c);
            out.println(c + ": " + jars.size() + (jars.size() == 1 ? " jar" : " jars") + " (the artifact and its runtime dependencies)");
            classPath.add(jars);
        }
    }

    private void lsmagic() {
        out.println("Line magics (a line of their own):");
        LINE.values().forEach(h -> out.println("  " + h));
        out.println("Cell magics (the cell's first line):");
        CELL.values().forEach(h -> out.println("  " + h));
        out.println("Commands (as in jshell):");
        COMMANDS.values().forEach(h -> out.println("  " + h));
    }

    private static CellFailure failure(String where, String what, Exception e) {
        String msg = e.getMessage();
        return new CellFailure("MagicError", where + ": " + msg, List.of(where + ": " + what + ": " + msg));
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
