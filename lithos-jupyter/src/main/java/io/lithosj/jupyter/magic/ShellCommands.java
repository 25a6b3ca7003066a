package io.lithosj.jupyter.magic;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;

import java.io.PrintStream;
import java.util.stream.Stream;

/**
 * The jshell commands a notebook user reaches for: {@code /vars} (type, name and value of each variable),
 * {@code /imports}, {@code /methods} and {@code /types}, read from the session's JShell as jshell prints them.
 */
final class ShellCommands {
    /** A value longer than this is cut: a Table's or a list's text would flood the listing. */
    static final int MAX_VALUE_CHARS = 100;

    private ShellCommands() {}

    static void run(JShell shell, String name, PrintStream out) {
        switch (name) {
            case "vars" -> active(shell, shell.variables())
                    .filter(v -> !v.name().startsWith("$")) // the kernel's own holders of cell results
                    .forEach(v -> out.println("|    " + v.typeName() + " " + v.name() + " = "
                            + (shell.status(v) == Snippet.Status.VALID ? cut(shell.varValue(v)) : "(cannot be used: " + shell.status(v) + ")")));
            case "imports" -> active(shell, shell.imports()).forEach(i -> out.println("|    import "
                    + (i.isStatic() ? "static " : "") + i.fullname() + ";"));
            case "methods" -> active(shell, shell.methods()).forEach(m -> {
                String sig = m.signature(); // "(int,int)int": the return type follows the parameters
                out.println("|    " + sig.substring(sig.lastIndexOf(')') + 1) + " " + m.name() + "(" + m.parameterTypes() + ")");
            });
            case "types" -> active(shell, shell.types()).forEach(t -> out.println("|    "
                    + t.subKind().name().replace("_SUBKIND", "").toLowerCase(java.util.Locale.ROOT) + " " + t.name()));
            default -> throw new IllegalArgumentException("unknown command /" + name + " (this kernel knows /"
                    + String.join(", /", Magics.COMMANDS.keySet()) + ")");
        }
    }

    private static <S extends Snippet> Stream<S> active(JShell shell, Stream<S> snippets) {
        return snippets.filter(s -> shell.status(s).isActive());
    }

    private static String cut(String value) {
        String oneLine = value.replace("\n", "\\n");
        return oneLine.length() <= MAX_VALUE_CHARS ? oneLine : oneLine.substring(0, MAX_VALUE_CHARS - 3) + "...";
    }
}
