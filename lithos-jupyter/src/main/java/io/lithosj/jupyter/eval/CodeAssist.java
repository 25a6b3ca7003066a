package io.lithosj.jupyter.eval;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tab completion, Shift-Tab inspection and the console's "is this input complete?" for a cell, answered
 * by JShell's source analysis on the one snippet that holds the cursor. Positions in and out are
 * Jupyter's: code points from the start of the cell.
 */
public final class CodeAssist {
    /** Replacement candidates for the cell range [start, end) (code points). */
    public record Completion(List<String> matches, int start, int end) {}

    private final JShell shell;
    private final SourceCodeAnalysis analysis;

    public CodeAssist(CellEvaluator evaluator) {
        this.shell = evaluator.shell();
        this.analysis = evaluator.analysis();
    }

    public Completion complete(String cell, int cursorCodePoint) {
        int idx = SourceText.codePointToIndex(cell, cursorCodePoint);
        Optional<Located> at = locate(cell, idx);
        if (at.isEmpty()) return new Completion(List.of(), cursorCodePoint, cursorCodePoint);
        Located l = at.get();
        String input = l.snippet.substring(0, l.cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(input, input.length(), anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        int start = l.cellOffset + anchor[0];
        return new Completion(new ArrayList<>(matches), SourceText.indexToCodePoint(cell, start), cursorCodePoint);
    }

    /** The type and value of the cell variable under the cursor, else signature and Javadoc of what it is on. */
    public Optional<String> inspect(String cell, int cursorCodePoint, boolean detail) {
        int idx = SourceText.codePointToIndex(cell, cursorCodePoint);
        Optional<Located> at = locate(cell, idx);
        if (at.isEmpty()) return Optional.empty();
        Located l = at.get();
        String word = identifierAround(l.snippet, l.cursor);
        Optional<String> variable = word.isEmpty() ? Optional.empty() : shell.variables()
                .filter(v -> v.name().equals(word) && shell.status(v).isActive())
                .reduce((a, b) -> b)
                .map(v -> v.typeName() + " " + v.name() + " = " + shell.varValue(v));
        if (variable.isPresent()) return variable;
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(l.snippet, l.cursor, detail);
        if (docs.isEmpty()) docs = documentationOfCallAt(l.snippet, l.cursor, detail);
        if (docs.isEmpty()) return Optional.empty();
        return Optional.of(docs.stream()
                .map(d -> d.javadoc() == null || d.javadoc().isBlank() ? d.signature() : d.signature() + "\n" + d.javadoc())
                .collect(Collectors.joining("\n\n")));
    }

    /** Jupyter's is_complete answer: "complete", "invalid", "unknown", or the indent to continue with. */
    public String isComplete(String cell) {
        Cell parsed = Cell.parse("?", cell);
        if (parsed.parts().size() == 1 && parsed.parts().get(0) instanceof Cell.CellMagic m) return isComplete(m.body());
        if (parsed.parts().isEmpty() || !(parsed.parts().get(parsed.parts().size() - 1) instanceof Cell.Code last)) {
            return "complete";
        }
        String rest = last.text();
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness c = info.completeness();
            if (c == Completeness.DEFINITELY_INCOMPLETE || c == Completeness.CONSIDERED_INCOMPLETE) return "    ";
            if (c == Completeness.UNKNOWN) return "invalid";
            if (c != Completeness.COMPLETE) return "complete";
            rest = info.remaining();
        }
        return "complete";
    }

    /** The snippet around a cell index: its text, the cursor inside it, and where it starts in the cell. */
    private record Located(String snippet, int cursor, int cellOffset) {}

    private Optional<Located> locate(String cell, int idx) {
        for (Cell.Part p : Cell.parse("?", cell).parts()) {
            if (p instanceof Cell.CellMagic m) { // %%time: the body is code like a cell's, after the %% line
                int bodyOffset = cell.length() - m.body().length();
                return locate(m.body(), idx - bodyOffset).map(l -> new Located(l.snippet, l.cursor, l.cellOffset + bodyOffset));
            }
            if (!(p instanceof Cell.Code code)) continue;
            int local = idx - code.offset();
            if (local < 0 || local > code.text().length()) continue;
            String text = code.text();
            int pos = 0;
            while (true) {
                int start = SourceText.skipBlankAndComments(text, pos);
                if (start > local) start = pos; // cursor sits in blank space or a comment before the next snippet
                String rest = text.substring(start);
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                int consumed = info.completeness() == Completeness.COMPLETE
                        ? rest.length() - info.remaining().length() : rest.length();
                if (start + consumed >= local || consumed <= 0) {
                    return Optional.of(new Located(text.substring(start, Math.max(start + consumed, local)),
                            local - start, code.offset() + start));
                }
                pos = start + consumed;
            }
        }
        return Optional.empty();
    }

    /**
     * JShell documents a call only with the cursor inside its argument list; Jupyter users press Shift-Tab
     * on the name as well, so retry just after the '(' that follows the identifier under the cursor.
     */
    private List<SourceCodeAnalysis.Documentation> documentationOfCallAt(String s, int cursor, boolean detail) {
        int end = Math.min(cursor, s.length());
        while (end < s.length() && Character.isJavaIdentifierPart(s.charAt(end))) end++;
        int paren = end;
        while (paren < s.length() && Character.isWhitespace(s.charAt(paren))) paren++;
        if (paren >= s.length() || s.charAt(paren) != '(' || end == 0) return List.of();
        return analysis.documentation(s.substring(0, paren + 1), paren + 1, detail);
    }

    private static String identifierAround(String s, int cursor) {
        int a = Math.min(cursor, s.length());
        int b = a;
        while (a > 0 && Character.isJavaIdentifierPart(s.charAt(a - 1))) a--;
        while (b < s.length() && Character.isJavaIdentifierPart(s.charAt(b))) b++;
        return s.substring(a, b);
    }
}
