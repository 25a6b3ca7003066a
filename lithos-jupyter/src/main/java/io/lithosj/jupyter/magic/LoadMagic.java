package io.lithosj.jupyter.magic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lithosj.jupyter.eval.CellEvaluator;
import io.lithosj.jupyter.eval.CellFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code %load FILE}: runs a script ({@code .jsh}, {@code .java} or any text: Java, magics, commands) or the
 * code cells of a notebook ({@code .ipynb}) in this session, as JJava's %load does, so definitions shared by
 * notebooks live in one file. The path is relative to the kernel's working directory (the notebook's folder).
 */
final class LoadMagic {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadMagic() {}

    static CellEvaluator.Value load(String args, CellRunner runner) throws IOException, CellFailure {
        if (args.isBlank()) throw new IllegalArgumentException("give the file to load, e.g. %load helpers.jsh");
        Path file = Path.of(unquote(args.strip())).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no file " + file + " to load");
        String name = file.getFileName().toString();
        if (!name.endsWith(".ipynb")) return runner.run(name, Files.readString(file));
        JsonNode cells = JSON.readTree(file.toFile()).path("cells");
        if (!cells.isArray()) throw new IllegalArgumentException(file + " is not a notebook: it has no \"cells\" list");
        CellEvaluator.Value last = new CellEvaluator.Value(false, null);
        int n = 0;
        for (JsonNode cell : cells) {
            n++;
            if (!"code".equals(cell.path("cell_type").asText())) continue;
            JsonNode src = cell.path("source");
            StringBuilder code = new StringBuilder();
            if (src.isArray()) src.forEach(line -> code.append(line.asText()));
            else code.append(src.asText());
            last = runner.run(name + " cell " + n, code.toString());
        }
        return last;
    }

    /** A path may be quoted to keep its spaces: {@code %load "my helpers.jsh"}. */
    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
                ? s.substring(1, s.length() - 1) : s;
    }
}
