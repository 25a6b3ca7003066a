package io.lithosj.jupyter.magic;

import org.eclipse.aether.repository.RemoteRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MavenResolverTest {
    @TempDir Path dir;

    /** A remote repository on a port nothing listens on: what an offline machine sees, without waiting for DNS. */
    private MavenResolver offline(Path local) {
        return new MavenResolver(local, List.of(new RemoteRepository.Builder("central", "default", "http://127.0.0.1:9/maven2/").build()));
    }

    @Test
    void anArtifactInTheLocalRepositoryResolvesWithItsDependenciesWithoutTheNetwork() throws Exception {
        Path local = dir.resolve("repo");
        LocalRepos.install(local, "demo", "greeter", "1.0", "demo.Greeter", List.of("demo:words:2.1"));
        LocalRepos.install(local, "demo", "words", "2.1", "demo.Words", List.of());
        List<Path> jars = offline(local).resolve("demo:greeter:1.0");
        assertEquals(List.of(local.resolve("demo/greeter/1.0/greeter-1.0.jar").toAbsolutePath(),
                local.resolve("demo/words/2.1/words-2.1.jar").toAbsolutePath()), jars);
    }

    @Test
    void offlineTheErrorSaysTheRemoteCannotBeReachedAndWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> offline(dir.resolve("empty")).resolve("org.example:absent:1.0"));
        String m = e.getMessage();
        assertTrue(m.startsWith("cannot resolve org.example:absent:1.0: it is not in the local repository " + dir.resolve("empty")), m);
        assertTrue(m.contains("the remote repository cannot be reached (offline? ") && m.contains("Connection refused"), m);
        assertTrue(m.contains("%jars"), m);
        assertEquals(1, m.lines().count(), "one line: " + m);
    }

    @Test
    void badCoordinatesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> offline(dir).resolve("commons-math3"));
        assertEquals("'commons-math3' is not Maven coordinates: give group:artifact:version (or group:artifact:extension:classifier:version)",
                e.getMessage());
    }
}
