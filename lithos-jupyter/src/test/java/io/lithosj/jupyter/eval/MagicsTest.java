package io.lithosj.jupyter.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagicsTest {
    @TempDir Path dir;

    @Test
    void globsFoldersAndPathSeparatorsResolveToExistingFiles() throws Exception {
        Files.createDirectories(dir.resolve("lib/nested"));
        Path a = Files.createFile(dir.resolve("lib/a.jar"));
        Path b = Files.createFile(dir.resolve("lib/b.jar"));
        Path c = Files.createFile(dir.resolve("lib/nested/c.jar"));
        Files.createFile(dir.resolve("lib/notes.txt"));
        String lib = dir.resolve("lib").toString();

        assertEquals(List.of(a, b), Magics.resolve(lib + "/*.jar", false));
        assertEquals(List.of(a, b, c), Magics.resolve(lib + "/**.jar", false));
        assertEquals(List.of(a, b), Magics.resolve(lib, true), "%jars takes a folder as its jars");
        assertEquals(List.of(dir.resolve("lib")), Magics.resolve(lib, false), "%classpath takes a folder as a class folder");
        assertEquals(List.of(a, c), Magics.resolve(a + java.io.File.pathSeparator + c, false));
    }

    @Test
    void anArgumentThatMatchesNothingIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Magics.resolve(dir + "/missing/*.jar", true));
        assertTrue(e.getMessage().contains("nothing matches '" + dir + "/missing/*.jar'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Magics.resolve("  ", false));
    }
}
