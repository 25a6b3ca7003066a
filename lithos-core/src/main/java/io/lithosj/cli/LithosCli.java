package io.lithosj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lithos} command. */
@Command(name = "lithos", mixinStandardHelpOptions = true, version = "lithos 0.1.0",
    description = "LithOS-J: study GPU sharing policies on a modeled GPU or a real NVIDIA GPU.",
    subcommands = {RunCommand.class, ReproduceCommand.class, CompareCommand.class, ValidateCommand.class, PoliciesCommand.class, BenchCommand.class,
        CalibrateCommand.class, GpuSmokeCommand.class, CommandLine.HelpCommand.class})
public final class LithosCli {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling: bad input prints one sentence, not a stack trace
   * (set LITHOS_DEBUG=1 to see the trace).
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
    return cl;
  }
}
