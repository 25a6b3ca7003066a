package io.lithosj.jupyter.magic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassPathMagicTest {
    @TempDir Path dir;

    @Test
    void globsFoldersAndPathSeparatorsResolveToExistingFiles() throws Exception {
        Files.createDirectories(dir.resolve("lib/nested"));
        Path a = Files.createFile(dir.resolve("lib/a.jar"));
        Path b = Files.createFile(dir.resolve("lib/b.jar"));
        Path c = Files.createFile(dir.resolve("lib/nested/c.jar"));
        Files.createFile(dir.resolve("lib/notes.txt"));
        String lib = dir.resolve("lib").toString();

        assertEquals(List.of(a, b), ClassPathMagic.resolve(lib + "/*.jar", false));
        assertEquals(List.of(a, b, c), ClassPathMagic.resolve(lib + "/**.jar", false));
        assertEquals(List.of(a, b), ClassPathMagic.resolve(lib, true), "%jars takes a folder as its jars");
        assertEquals(List.of(dir.resolve("lib")), ClassPathMagic.resolve(lib, false), "%classpath takes a folder as a class folder");
        assertEquals(List.of(a, c), ClassPathMagic.resolve(a + java.io.File.pathSeparator + c, false));
    }

    @Test
    void anArgumentThatMatchesNothingIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassPathMagic.resolve(dir + "/missing/*.jar", true));
        assertTrue(e.getMessage().contains("nothing matches '" + dir + "/missing/*.jar'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassPathMagic.resolve("  ", false));
    }
}
