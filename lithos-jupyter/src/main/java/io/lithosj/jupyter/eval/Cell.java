package io.lithosj.jupyter.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A notebook cell cut into what runs in order: Java code and line magics ({@code %name args} on a line of
 * its own). No Java statement starts with '%', but a continued expression can ({@code 7\n  %n}), so a
 * line is a magic only where a statement may begin: at the start of the cell or after a line ending in
 * ';', '{' or '}' (comments and blank lines aside), and only as '%' directly followed by a name.
 *
 * @param label  how errors name this cell, e.g. "In[3]"
 * @param source the whole cell text
 * @param parts  code and magics in source order
 */
public record Cell(String label, String source, List<Part> parts) {

    /** One piece of the cell; {@code firstLine} is the 1-based cell line the piece starts on. */
    public sealed interface Part permits Code, Magic {
        int firstLine();
    }

    /** Java source; {@code offset} is where it starts in the cell text. */
    public record Code(String text, int offset, int firstLine) implements Part {}

    /** A line magic: {@code %name args}. */
    public record Magic(String name, String args, int firstLine) implements Part {}

    public static Cell parse(String label, String source) {
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
            if (atStatementStart && MAGIC.matcher(trimmed).matches()) {
                if (codeStart >= 0) {
                    parts.add(new Code(source.substring(codeStart, offset), codeStart, codeLine));
                    codeStart = -1;
                }
                String body = trimmed.substring(1);
                int sp = indexOfWhitespace(body);
                String name = sp < 0 ? body : body.substring(0, sp);
                String args = sp < 0 ? "" : body.substring(sp).strip();
                parts.add(new Magic(name, args, line));
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
