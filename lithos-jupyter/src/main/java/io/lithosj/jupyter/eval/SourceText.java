package io.lithosj.jupyter.eval;

/** Offsets, lines and code-point conversions over a cell's text. Lines and columns are 1-based. */
public final class SourceText {
    private SourceText() {}

    /** Index of the first character at or after {@code from} that is neither white space nor inside a comment. */
    public static int skipBlankAndComments(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) return i; // unterminated: leave it to the compiler to report
                i = end + 2;
            } else {
                return i;
            }
        }
        return i;
    }

    /** 1-based line of the character at {@code offset}. */
    public static int lineOf(String s, int offset) {
        int line = 1;
        int end = Math.min(offset, s.length());
        for (int i = 0; i < end; i++) if (s.charAt(i) == '\n') line++;
        return line;
    }

    /** 1-based column of the character at {@code offset}. */
    public static int columnOf(String s, int offset) {
        int end = Math.min(offset, s.length());
        int nl = s.lastIndexOf('\n', end - 1);
        return end - nl;
    }

    /** The text of 1-based line {@code line}, without its line break ("" when out of range). */
    public static String line(String s, int line) {
        int start = 0;
        for (int l = 1; l < line; l++) {
            int nl = s.indexOf('\n', start);
            if (nl < 0) return "";
            start = nl + 1;
        }
        int nl = s.indexOf('\n', start);
        String text = nl < 0 ? s.substring(start) : s.substring(start, nl);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Jupyter counts cursor positions in code points; Java strings index UTF-16 units. */
    public static int codePointToIndex(String s, int codePoints) {
        int cp = Math.max(0, Math.min(codePoints, s.codePointCount(0, s.length())));
        return s.offsetByCodePoints(0, cp);
    }

    public static int indexToCodePoint(String s, int index) {
        return s.codePointCount(0, Math.max(0, Math.min(index, s.length())));
    }
}
