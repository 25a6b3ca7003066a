package io.lithosj.jupyter;

import io.lithosj.jupyter.eval.Cell;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StartupScriptsTest {
    @Test
    void importsRunOneByOneAndOtherCodeTogether() {
        Cell.Code code = new Cell.Code("import a.*;\n\nint x = 1;\nint y = 2;\nimport b.*;\n", 10, 3);
        List<Cell.Code> parts = StartupScripts.statements(code);
        assertEquals(List.of(new Cell.Code("import a.*;\n", 10, 3), new Cell.Code("int x = 1;\nint y = 2;\n", 23, 5),
                new Cell.Code("import b.*;\n", 45, 7)), parts);
    }

    @Test
    void theKernelJarCarriesNotebooksLithosJsh() throws Exception {
        Path repo = Path.of(System.getProperty("lithos.repo.root", ".."));
        String script = StartupScripts.load().stream().filter(s -> s.name().equals("lithos.jsh")).findFirst().orElseThrow().text();
        assertEquals(Files.readString(repo.resolve("notebooks/lithos.jsh")), script);
    }

    /** Every import of notebooks/lithos.jsh must compile: a renamed package shows up here, not in a notebook. */
    @Test
    void everyStartupImportCompilesAgainstLithosCore() {
        LithosKernel kernel = new LithosKernel(new PrintStream(OutputStream.nullOutputStream()));
        try {
            assertEquals(List.of(), kernel.startupWarnings());
        } finally {
            kernel.onShutdown(false);
        }
    }
}
