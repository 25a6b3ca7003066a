package io.lithosj.jupyter.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A notebook cell cut into what runs in order: Java code, line magics ({@code %name args} on a line of
 * its own) and jshell commands ({@code /vars}, {@code /imports}). No Java statement starts with '%', but a
 * continued expression can ({@code 7\n  %n}), so a line is a magic only where a statement may begin: at
 * the start of the cell or after a line ending in ';', '{' or '}' (comments and blank lines aside), and
 * only as '%' directly followed by a name; the same holds for '/' followed by a name (a comment starts
 * with '//' or '/*', and a continued division such as {@code 7\n  /n} is not at a statement's start).
 * A cell whose first line is {@code %%name args} is a cell magic: the rest of the cell is its body, as
 * in IPython and JJava ({@code %%time}).
 *
 * @param label  how errors name this cell, e.g. "In[3]"
 * @param source the whole cell text
 * @param parts  code and magics in source order
 */
public record Cell(String label, String source, List<Part> parts) {

    /** One piece of the cell; {@code firstLine} is the 1-based cell line the piece starts on. */
    public sealed interface Part permits Code, Magic, CellMagic, Command {
        int firstLine();
    }

    /** Java source; {@code offset} is where it starts in the cell text. */
    public record Code(String text, int offset, int firstLine) implements Part {}

    /** A line magic: {@code %name args}. */
    public record Magic(String name, String args, int firstLine) implements Part {}

    /** A cell magic: {@code %%name args} as the cell's first line; {@code body} is the rest, from line {@code firstLine + 1}. */
    public record CellMagic(String name, String args, String body, int firstLine) implements Part {}

    /** A jshell command such as {@code /vars} or {@code /imports}. */
    public record Command(String name, String args, int firstLine) implements Part {}

    public static Cell parse(String label, String source) {
        var cellMagic = CELL_MAGIC.matcher(source);
        if (cellMagic.lookingAt()) {
            int line = 1 + (int) source.substring(0, cellMagic.start(1)).chars().filter(c -> c == '\n').count();
            String body = source.substring(cellMagic.end());
            return new Cell(label, source, List.of(new CellMagic(cellMagic.group(1),
                    cellMagic.group(2) == null ? "" : cellMagic.group(2).strip(), body, line)));
        }
        List<Part> parts = new ArrayList<>();
        int codeStart = -1;
        int codeLine = 1;
        int offset = 0;
        int line = 1;
        boolean atStatementStart = true;
        while (true) {
            int nl = source.indexOf('\n', offset);
            int end = nl < 0 ? source.length() : nl;
            String text = source.substring(offset, end);
            String trimmed = text.strip();
            boolean magic = MAGIC.matcher(trimmed).matches();
            if (atStatementStart && (magic || COMMAND.matcher(trimmed).matches())) {
                if (codeStart >= 0) {
                    parts.add(new Code(source.substring(codeStart, offset), codeStart, codeLine));
                    codeStart = -1;
                }
                String body = trimmed.substring(1);
                int sp = indexOfWhitespace(body);
                String name = sp < 0 ? body : body.substring(0, sp);
                String args = sp < 0 ? "" : body.substring(sp).strip();
                parts.add(magic ? new Magic(name, args, line) : new Command(name, args, line));
            } else {
                if (codeStart < 0) {
                    codeStart = offset;
                    codeLine = line;
                }
                String code = withoutLineComment(trimmed);
                if (!code.isEmpty()) atStatementStart = code.endsWith(";") || code.endsWith("{") || code.endsWith("}");
            }
            if (nl < 0) break;
            offset = nl + 1;
            line++;
        }
        if (codeStart >= 0 && codeStart < source.length()) {
            parts.add(new Code(source.substring(codeStart), codeStart, codeLine));
        }
        return new Cell(label, source, List.copyOf(parts));
    }

    private static final Pattern MAGIC = Pattern.compile("%[A-Za-z][\\w.-]*(\\s.*)?");
    private static final Pattern COMMAND = Pattern.compile("/[A-Za-z]+(\\s.*)?");
    /** Blank lines, then {@code %%name args} and its line break. */
    private static final Pattern CELL_MAGIC = Pattern.compile("\\s*%%([A-Za-z][\\w.-]*)([ \\t][^\\n]*)?(\\n|$)");

    /** The line without trailing comments (a "//" inside a string literal only errs toward reading code). */
    private static String withoutLineComment(String line) {
        int c = line.indexOf("//");
        String code = (c < 0 ? line : line.substring(0, c)).strip();
        if (code.endsWith("*/") && code.lastIndexOf("/*") >= 0) code = code.substring(0, code.lastIndexOf("/*")).strip();
        return code.startsWith("/*") || code.startsWith("*") ? "" : code;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }
}
