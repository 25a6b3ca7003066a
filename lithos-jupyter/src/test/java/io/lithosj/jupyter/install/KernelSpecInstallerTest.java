package io.lithosj.jupyter.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSpecInstallerTest {
    @TempDir Path dir;

    @Test
    void aShadedJarIsStartedWithDashJar() throws Exception {
        Path jar = Files.createFile(dir.resolve("lithos-jupyter.jar"));
        KernelSpecInstaller installer = new KernelSpecInstaller("lithos-java", "Java (LithOS-J)", Path.of("/opt/jdk/bin/java"),
                List.of("-Xmx4g"), List.of(jar));
        Path spec = installer.install(dir.resolve("data/kernels"));
        assertEquals(dir.resolve("data/kernels/lithos-java"), spec);
        JsonNode json = new ObjectMapper().readTree(Files.readString(spec.resolve("kernel.json")));
        assertEquals(List.of("/opt/jdk/bin/java", "-Djava.awt.headless=true", "-Xmx4g", "-jar", jar.toString(), "kernel",
                "{connection_file}"), new ObjectMapper().convertValue(json.get("argv"), List.class));
        assertEquals("Java (LithOS-J)", json.get("display_name").asText());
        assertEquals("java", json.get("language").asText());
        assertEquals("message", json.get("interrupt_mode").asText());
    }

    @Test
    void classFoldersAreStartedWithTheirClassPath() {
        KernelSpecInstaller installer = new KernelSpecInstaller("dev", "dev", Path.of("java"), List.of(),
                List.of(dir.resolve("classes"), dir.resolve("dep.jar")));
        List<String> argv = installer.argv();
        int cp = argv.indexOf("-cp");
        assertEquals(dir.resolve("classes") + java.io.File.pathSeparator + dir.resolve("dep.jar"), argv.get(cp + 1));
        assertEquals(KernelSpecInstaller.MAIN_CLASS, argv.get(cp + 2));
        assertTrue(Path.of(argv.get(0)).isAbsolute(), "Jupyter starts kernels from the notebook folder");
    }

    @Test
    void badNamesAndMissingJarsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KernelSpecInstaller("a b", "x", Path.of("java"), List.of(), List.of(dir)));
        KernelSpecInstaller missing = new KernelSpecInstaller("k", "k", Path.of("java"), List.of(), List.of(dir.resolve("none.jar")));
        IOException e = assertThrows(IOException.class, () -> missing.install(dir));
        assertTrue(e.getMessage().contains("none.jar"), e.getMessage());
    }

    @Test
    void prefixLayoutMatchesJupyter() {
        assertEquals(Path.of("/usr/local/share/jupyter/kernels"), KernelSpecInstaller.kernelsDirOfPrefix(Path.of("/usr/local")));
    }
}
