package io.lithosj.jupyter.eval;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each JShell snippet came from, so that a stack frame "#12:3" (snippet 12, its line 3) can be shown
 * as the cell and cell line the user wrote. JShell numbers snippet lines from the first code character,
 * which is why snippets are registered with the cell line of that character.
 */
final class SnippetOrigins {
    /** @param firstLine cell line (1-based) of the snippet's first code character */
    record Origin(String cellLabel, String snippetSource, int firstLine) {
        int cellLine(int snippetLine) { return firstLine + Math.max(snippetLine, 1) - 1; }

        String sourceLine(int snippetLine) { return SourceText.line(snippetSource, Math.max(snippetLine, 1)); }
    }

    private final Map<String, Origin> byId = new ConcurrentHashMap<>();

    void put(String snippetId, Origin origin) { byId.put(snippetId, origin); }

    Origin get(String snippetId) { return byId.get(snippetId); }
}
