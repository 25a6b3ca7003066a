package io.lithosj.jupyter.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a Jupyter kernelspec (a folder with kernel.json) that starts this kernel: the shaded jar with
 * {@code java -jar}, or, when run from class folders (development, tests), the same class path with -cp.
 * Paths are absolute, so the spec works from any notebook folder.
 */
public final class KernelSpecInstaller {
    public static final String DEFAULT_NAME = "lithos-java";
    public static final String DEFAULT_DISPLAY_NAME = "Java (LithOS-J)";
    static final String MAIN_CLASS = "io.lithosj.jupyter.KernelMain";

    private final String name;
    private final String displayName;
    private final Path java;
    private final List<String> jvmOptions;
    private final List<Path> classPath;

    /**
     * @param classPath one jar (the shaded kernel jar) or the kernel's full class path
     */
    public KernelSpecInstaller(String name, String displayName, Path java, List<String> jvmOptions, List<Path> classPath) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("kernelspec name '" + name + "' may hold only letters, digits, '.', '_' and '-'");
        }
        if (classPath.isEmpty()) throw new IllegalArgumentException("classPath is empty");
        this.name = name;
        this.displayName = displayName;
        this.java = java.toAbsolutePath();
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classPath = classPath.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** The command Jupyter runs; "{connection_file}" is replaced by Jupyter. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.add("-Djava.awt.headless=true");
        argv.addAll(jvmOptions);
        if (classPath.size() == 1 && classPath.get(0).toString().endsWith(".jar")) {
            argv.add("-jar");
            argv.add(classPath.get(0).toString());
        } else {
            argv.add("-cp");
            argv.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
            argv.add(MAIN_CLASS);
        }
        argv.add("kernel");
        argv.add("{connection_file}");
        return argv;
    }

    public String kernelJson() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv());
        spec.put("display_name", displayName);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message"); // a SIGINT would end the JVM; the kernel stops the cell on request
        spec.put("metadata", Map.of("debugger", false));
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(spec) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes kernelsDir/NAME/kernel.json (replacing an older one) and returns the kernelspec folder. */
    public Path install(Path kernelsDir) throws IOException {
        for (Path p : classPath) {
            if (!Files.exists(p)) throw new IOException("class path entry " + p + " does not exist (run mvn package first?)");
        }
        Path dir = kernelsDir.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kernel.json"), kernelJson());
        return dir;
    }

    public static Path kernelsDirOfPrefix(Path prefix) {
        return prefix.resolve("share").resolve("jupyter").resolve("kernels");
    }

    /** Jupyter's per-user data folder (jupyter --data-dir), honouring JUPYTER_DATA_DIR and XDG_DATA_HOME. */
    public static Path userDataDir() {
        String env = System.getenv("JUPYTER_DATA_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        Path home = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) return home.resolve("Library").resolve("Jupyter");
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return (appData != null ? Path.of(appData) : home.resolve("AppData").resolve("Roaming")).resolve("jupyter");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share")).resolve("jupyter");
    }

    public static Path currentJava() {
        boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    /** The jar this class was loaded from, or the JVM's class path when it runs from class folders. */
    public static List<Path> ownClassPath() {
        try {
            Path self = Path.of(KernelSpecInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self)) return List.of(self);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the class path
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
    }
}
