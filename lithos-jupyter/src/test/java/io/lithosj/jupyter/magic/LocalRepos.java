package io.lithosj.jupyter.magic;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Writes artifacts into a Maven local repository as {@code mvn install} lays them out, for resolver tests. */
public final class LocalRepos {
    private LocalRepos() {}

    /**
     * Installs {@code group:artifact:version}: a jar holding class {@code className} with a static {@code hello()}
     * returning "hello from ARTIFACT", and a pom naming {@code dependencies} (each group:artifact:version).
     */
    public static void install(Path repo, String group, String artifact, String version, String className,
                               List<String> dependencies) throws IOException {
        Path dir = repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        StringBuilder deps = new StringBuilder();
        for (String d : dependencies) {
            String[] p = d.split(":");
            deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId><version>").append(p[2]).append("</version></dependency>");
        }
        Files.writeString(dir.resolve(artifact + "-" + version + ".pom"), "<project><modelVersion>4.0.0</modelVersion>"
                + "<groupId>" + group + "</groupId><artifactId>" + artifact + "</artifactId><version>" + version + "</version>"
                + "<dependencies>" + deps + "</dependencies></project>");
        Path src = Files.createTempDirectory("lithos-src");
        int dot = className.lastIndexOf('.');
        Path java = src.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "package " + className.substring(0, dot) + "; public class " + className.substring(dot + 1)
                + " { public static String hello() { return \"hello from " + artifact + "\"; } }");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, "-d", src.toString(), java.toString()) != 0) throw new IOException("javac failed on " + java);
        String entry = className.replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve(artifact + "-" + version + ".jar")))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(src.resolve(entry)));
            out.closeEntry();
        }
    }
}
