package io.lithosj.jupyter.magic;

import io.lithosj.jupyter.eval.CellEvaluator;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code %classpath} adds jars or class folders; {@code %jars} adds jars, where a folder stands for the jars
 * in it. Both take paths separated by spaces or the platform path separator, relative to the kernel's
 * working directory (the notebook's folder), with glob patterns ({@code lib/*.jar},
 * {@code build/**}{@code /*.jar}). {@code %classpath} alone lists the class path: the kernel's own and
 * what this session added (by these magics and {@code %maven}).
 */
final class ClassPathMagic {
    private static final Pattern GLOB_CHARS = Pattern.compile("[*?\\[{]");

    private final CellEvaluator evaluator;
    private final PrintStream out;
    private final List<Path> added = new ArrayList<>();

    ClassPathMagic(CellEvaluator evaluator, PrintStream out) {
        this.evaluator = evaluator;
        this.out = out;
    }

    void classpath(String args) throws IOException {
        if (args.isBlank()) list();
        else add(resolve(args, false));
    }

    void jars(String args) throws IOException {
        add(resolve(args, true));
    }

    /** Adds paths for the compiler and the running code; the caller says what they came from. */
    void add(List<Path> paths) {
        for (Path p : paths) {
            evaluator.addToClassPath(p.toString());
            if (!added.contains(p)) added.add(p);
        }
        out.println("added to the class path: " + paths.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }

    private void list() {
        List<String> own = Stream.of(System.getProperty("java.class.path", "").split(Pattern.quote(File.pathSeparator)))
                .filter(s -> !s.isBlank()).toList();
        out.println("class path of the kernel (" + own.size() + (own.size() == 1 ? " entry" : " entries") + "):");
        own.forEach(e -> out.println("  " + e));
        if (added.isEmpty()) {
            out.println("added in this session: nothing (%classpath PATH, %jars DIR, %maven GROUP:ARTIFACT:VERSION)");
        } else {
            out.println("added in this session (" + added.size() + "):");
            added.forEach(e -> out.println("  " + e));
        }
    }

    /** Expands the magic's arguments to existing files; fails naming the first argument that matches nothing. */
    static List<Path> resolve(String args, boolean jarsOnly) throws IOException {
        List<String> entries = Stream.of(args.split("[\\s" + Pattern.quote(File.pathSeparator) + "]+"))
                .filter(s -> !s.isBlank()).toList();
        if (entries.isEmpty()) throw new IllegalArgumentException("give at least one path");
        List<Path> found = new ArrayList<>();
        for (String entry : entries) {
            List<Path> matches = GLOB_CHARS.matcher(entry).find() ? glob(entry) : List.of(Path.of(entry).toAbsolutePath().normalize());
            matches = matches.stream().filter(Files::exists).toList();
            if (jarsOnly) matches = jarsIn(matches);
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("nothing matches '" + entry + "'"
                        + (jarsOnly ? " (looking for .jar files)" : "") + " from " + Path.of("").toAbsolutePath());
            }
            found.addAll(matches);
        }
        return found;
    }

    private static List<Path> jarsIn(List<Path> paths) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(ClassPathMagic::isJar).sorted().forEach(jars::add);
                }
            } else if (isJar(p)) {
                jars.add(p);
            }
        }
        return jars;
    }

    private static boolean isJar(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
    }

    /** Matches a glob below its longest fixed folder prefix, e.g. {@code ../lib} for {@code ../lib/*.jar}. */
    private static List<Path> glob(String pattern) throws IOException {
        String p = pattern.replace('\\', '/');
        int slash = p.lastIndexOf('/', firstGlob(p));
        Path base = Path.of(slash < 0 ? "" : p.substring(0, slash + 1)).toAbsolutePath().normalize();
        String rel = p.substring(slash + 1);
        if (!Files.isDirectory(base)) return List.of();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rel);
        int depth = rel.contains("**") ? Integer.MAX_VALUE : rel.split("/").length;
        try (Stream<Path> s = Files.walk(base, depth)) {
            return s.filter(x -> !x.equals(base) && matcher.matches(base.relativize(x))).sorted().toList();
        }
    }

    private static int firstGlob(String s) {
        var m = GLOB_CHARS.matcher(s);
        return m.find() ? m.start() : s.length();
    }
}
