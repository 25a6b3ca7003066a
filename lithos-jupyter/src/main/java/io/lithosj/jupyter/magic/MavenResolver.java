package io.lithosj.jupyter.magic;

import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.util.artifact.JavaScopes;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Resolves {@code group:artifact:version} (or {@code group:artifact:extension:classifier:version}) with its
 * runtime dependencies through Maven's own resolver, as {@code mvn} would: the local repository first
 * ({@code -Dmaven.repo.local} or {@code ~/.m2/repository}), then the remote repositories (Maven Central).
 * Mirrors and proxies of settings.xml are not read.
 */
public final class MavenResolver {
    public static final String CENTRAL_URL = "https://repo.maven.apache.org/maven2/";
    /** Long enough for a slow link, short enough that an offline machine answers within a cell's patience. */
    static final int CONNECT_TIMEOUT_MS = 10_000;
    static final int REQUEST_TIMEOUT_MS = 60_000;

    private final Path localRepository;
    private final List<RemoteRepository> remotes;
    private RepositorySystem system;

    /**
     * The local repository Maven uses here, read at each resolution (so a notebook may set
     * {@code maven.repo.local} first), and Maven Central.
     */
    public MavenResolver() {
        this(null, List.of(new RemoteRepository.Builder("central", "default", CENTRAL_URL).build()));
    }

    /** @param localRepository null for Maven's default (see {@link #localRepository}) */
    MavenResolver(Path localRepository, List<RemoteRepository> remotes) {
        this.localRepository = localRepository;
        this.remotes = remotes;
    }

    /** {@code -Dmaven.repo.local}, else {@code ~/.m2/repository}, unless a test fixed one. */
    public Path localRepository() {
        if (localRepository != null) return localRepository;
        String p = System.getProperty("maven.repo.local");
        return (p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".m2", "repository"))
                .toAbsolutePath();
    }

    /**
     * The jars of {@code coordinates} and its runtime dependencies, the artifact first.
     *
     * @throws IllegalArgumentException with a one-line reason: bad coordinates, not found where it looked, or
     *                                  the remote repository unreachable (offline)
     */
    public synchronized List<Path> resolve(String coordinates) {
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + coordinates + "' is not Maven coordinates: give group:artifact:version"
                    + " (or group:artifact:extension:classifier:version)");
        }
        if (system == null) system = new RepositorySystemSupplier().get();
        Path local = localRepository();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(local)
                .setSystemProperties(System.getProperties())
                .setConfigProperty("aether.connector.connectTimeout", CONNECT_TIMEOUT_MS)
                .setConfigProperty("aether.connector.requestTimeout", REQUEST_TIMEOUT_MS)
                .build()) {
            CollectRequest collect = new CollectRequest(new Dependency(artifact, JavaScopes.RUNTIME),
                    system.newResolutionRepositories(session, remotes));
            return system.resolveDependencies(session, new DependencyRequest(collect, null)).getArtifactResults().stream()
                    .map(ArtifactResult::getArtifact).filter(a -> a != null && a.getPath() != null)
                    .map(a -> a.getPath().toAbsolutePath()).toList();
        } catch (DependencyResolutionException e) {
            throw new IllegalArgumentException(explain(coordinates, local, e));
        }
    }

    /** Why resolution failed, in one line: the unreachable host (offline), or what was not found where. */
    private String explain(String coordinates, Path local, Throwable e) {
        String where = "the local repository " + local + " and "
                + remotes.stream().map(r -> r.getId() + " (" + r.getUrl() + ")").collect(Collectors.joining(", "));
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return "cannot resolve " + coordinates + ": it is not in the local repository " + local
                        + ", and the remote repository cannot be reached (offline? " + t.getClass().getSimpleName() + ": "
                        + t.getMessage() + "); add the jar with %jars, or run where " + remotes.get(0).getUrl() + " is reachable";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ArtifactNotFoundException nf) {
                return "cannot resolve " + coordinates + ": " + nf.getArtifact() + " was not found in " + where;
            }
        }
        String first = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return "cannot resolve " + coordinates + " from " + where + ": " + first
                + (root != e && root.getMessage() != null ? " (" + root.getMessage().lines().findFirst().orElse("") + ")" : "");
    }
}
