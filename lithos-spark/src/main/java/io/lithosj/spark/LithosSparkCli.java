package io.lithosj.spark;

import io.lithosj.cli.LithosCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lithos sweep} and {@code lithos fleet} commands (the launcher script sends those two here). */
@Command(name = "lithos", mixinStandardHelpOptions = true, version = "lithos 0.1.0",
    description = "LithOS-J on Apache Spark: sweeps and fleet studies of the modeled GPU.",
    subcommands = {SweepCommand.class, FleetCommand.class, CommandLine.HelpCommand.class})
public final class LithosSparkCli {
  public static void main(String[] args) {
    System.exit(LithosCli.withErrorHandling(new CommandLine(new LithosSparkCli())).execute(args));
  }
}
