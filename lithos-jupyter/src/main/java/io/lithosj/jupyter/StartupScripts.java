package io.lithosj.jupyter;

import io.lithosj.jupyter.eval.Cell;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a notebook starts with: jshell's DEFAULT imports, the toolkit's imports from notebooks/lithos.jsh
 * (copied into this jar at build time, so jshell and the kernel read the same list) and the display helpers.
 */
final class StartupScripts {
    /** A named script; names appear in startup warnings. */
    record Script(String name, String text) {}

    /** The imports of jshell's built-in DEFAULT startup (jdk.jshell's DEFAULT.jsh). */
    static final String JSHELL_DEFAULT = """
            import java.io.*;
            import java.math.*;
            import java.net.*;
            import java.nio.file.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            import java.util.prefs.*;
            import java.util.regex.*;
            import java.util.stream.*;
            """;

    /**
     * The notebook's display helpers. {@code display} is also imported by name: lithos.jsh imports plain
     * JShell's {@code io.lithosj.report.Display.*}, and a single-name import takes precedence over it.
     */
    static final String KERNEL = """
            import static io.lithosj.jupyter.Notebook.*;
            import static io.lithosj.jupyter.Notebook.display;
            """;

    private StartupScripts() {}

    static List<Script> load() {
        return List.of(new Script("DEFAULT", JSHELL_DEFAULT), new Script("lithos.jsh", resource("lithos.jsh")),
                new Script("kernel", KERNEL));
    }

    private static String resource(String name) {
        try (InputStream in = StartupScripts.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the kernel jar (built without notebooks/?)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Cuts script code into pieces run one by one: each import line alone (so one missing package does
     * not hide the others), any other lines together.
     */
    static List<Cell.Code> statements(Cell.Code code) {
        List<Cell.Code> out = new ArrayList<>();
        String text = code.text();
        int offset = 0;
        int line = code.firstLine();
        int groupStart = -1;
        int groupLine = line;
        while (offset < text.length()) {
            int nl = text.indexOf('\n', offset);
            int end = nl < 0 ? text.length() : nl + 1;
            String l = text.substring(offset, end);
            if (l.strip().startsWith("import ")) {
                if (groupStart >= 0) {
                    out.add(new Cell.Code(text.substring(groupStart, offset), code.offset() + groupStart, groupLine));
                    groupStart = -1;
                }
                out.add(new Cell.Code(l, code.offset() + offset, line));
            } else if (groupStart < 0 && !l.isBlank()) {
                groupStart = offset;
                groupLine = line;
            }
            offset = end;
            line++;
        }
        if (groupStart >= 0) out.add(new Cell.Code(text.substring(groupStart), code.offset() + groupStart, groupLine));
        return out;
    }
}
