package io.lithosj.spark;

import io.lithosj.sweep.LocalRunner;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where {@code sweep} and {@code fleet} run their simulations, and how they report: one set of options for both. */
final class RunOptions {
  @Option(names = "--master", defaultValue = "local[*]",
      description = "Spark master URL (default: ${DEFAULT-VALUE}, embedded, no set-up).")
  String master;

  @Option(names = "--in-process", description = "Run on this process's threads, without Spark.") boolean inProcess;

  @Option(names = "--threads", description = "Threads for --in-process (default: all cores).") Integer threads;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines.") boolean quiet;

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  /** The command as typed, for the run record. */
  String typed() {
    var r = command.root().commandLine().getParseResult();
    return "lithos" + (r == null ? "" : " " + String.join(" ", r.originalArgs()));
  }

  LocalRunner localRunner() { return threads == null ? new LocalRunner() : new LocalRunner(threads); }

  /** Progress lines on stderr, prefixed with the command's name, unless --quiet. */
  Consumer<String> progress(String prefix) { return quiet ? s -> {} : s -> System.err.println(prefix + " " + s); }

  /** Where the runs go, for the first line of output. */
  String where() { return inProcess ? "this process" : master; }
}
