package io.lithosj.cli;

import io.lithosj.repo.Provenance;
import io.lithosj.report.Suggestions;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lithos} command. */
@Command(name = "lithos", mixinStandardHelpOptions = true, versionProvider = LithosCli.Version.class,
    description = "LithOS-J: study GPU sharing policies on a modeled GPU or a real NVIDIA GPU.",
    subcommands = {RunCommand.class, ReproduceCommand.class, CompareCommand.class, ValidateCommand.class, PoliciesCommand.class, BenchCommand.class, BuildTracesCommand.class,
        CalibrateCommand.class, GpuSmokeCommand.class, CommandLine.HelpCommand.class})
public final class LithosCli {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling: bad input prints one sentence, not a stack trace
   * (set LITHOS_DEBUG=1 to see the trace); a mistyped command or option gets a suggestion.
   */
  public static CommandLine commandLine() {
    return withErrorHandling(new CommandLine(new LithosCli()));
  }

  /** The same one-sentence error handling for another command line (lithos-spark's {@code sweep} and {@code fleet}). */
  public static CommandLine withErrorHandling(CommandLine cl) {
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
          || ex instanceof java.io.UncheckedIOException) {
        cmd.getErr().println("lithos: " + ex.getMessage());
        if (System.getenv("LITHOS_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        return 2;
      }
      throw ex;
    });
    cl.setParameterExceptionHandler(LithosCli::usageError);
    return cl;
  }

  /**
   * A usage error in two lines: what was wrong (with "did you mean" where a name is near one
   * that exists), then where the usage is; the whole usage would push the error out of sight.
   */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = ex.getMessage();
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String typed = u.getUnmatched().get(0);
      List<String> near = typed.startsWith("-") ? u.getSuggestions()
          : Suggestions.near(typed, cmd.getSubcommands().keySet());
      if (!typed.startsWith("-") && !cmd.getSubcommands().isEmpty()) message = "unknown command '" + typed + "'";
      if (!near.isEmpty()) message += "; did you mean " + String.join(" or ", near.subList(0, Math.min(2, near.size()))) + "?";
    }
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + message);
    err.println("Usage: see '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return 2;
  }

  /** The command as typed, {@code lithos run x.json -p mps}, for the run records beside outputs. */
  static String typed(CommandLine.Model.CommandSpec spec) {
    CommandLine.ParseResult r = spec.root().commandLine().getParseResult();
    return "lithos" + (r == null ? "" : " " + String.join(" ", r.originalArgs()));
  }

  /** {@code lithos --version}: the build's version and the repository's commit. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"lithos " + Provenance.version() + " (git " + Provenance.gitCommit() + ")"};
    }
  }
}
