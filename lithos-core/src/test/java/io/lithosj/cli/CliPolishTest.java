package io.lithosj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.os.Param;
import io.lithosj.os.Policies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Help texts, suggestions and the policies listing: the CLI as a newcomer meets it. */
class CliPolishTest {
  private record Out(int code, String out, String err) {}

  private static Out run(String... args) {
    CommandLine cl = LithosCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  /** Every command, option and parameter description ends its sentence; an option with a default shows it. */
  @Test
  void helpTextsEndTheirSentencesAndShowDefaults() {
    List<String> bad = new ArrayList<>();
    check(LithosCli.commandLine(), bad);
    assertEquals(List.of(), bad);
  }

  private static void check(CommandLine cl, List<String> bad) {
    String cmd = cl.getCommandSpec().qualifiedName();
    String[] d = cl.getCommandSpec().usageMessage().description();
    if (d.length == 0 || !d[d.length - 1].strip().endsWith(".")) bad.add(cmd + ": description");
    for (ArgSpec a : cl.getCommandSpec().args()) {
      String name = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
      String[] text = a.description();
      if (text.length == 0 || !text[text.length - 1].strip().endsWith(".")) bad.add(cmd + " " + name + ": no final period");
      boolean hasDefault = a.defaultValue() != null;
      boolean boolFlag = a instanceof OptionSpec o && o.arity().max() == 0;
      if (hasDefault && !boolFlag && !String.join(" ", text).contains("default")) bad.add(cmd + " " + name + ": default not shown");
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandName().equals("help")) check(sub, bad);
    }
  }

  @Test
  void aMistypedCommandOptionOrPolicyGetsASuggestion() {
    Out cmd = run("rnu");
    assertEquals(2, cmd.code());
    assertTrue(cmd.err().startsWith("lithos: unknown command 'rnu'; did you mean run?"), cmd.err());
    assertEquals(2, cmd.err().strip().lines().count(), "the error and where the usage is, not the whole usage: " + cmd.err());
    Out policies = run("polices");
    assertTrue(policies.err().contains("did you mean policies?"), policies.err());
    Out option = run("run", "--sed", "3", "x.json");
    assertTrue(option.err().contains("did you mean --seed?"), option.err());
    Out policy = run("run", "x.json", "-p", "mps,lithso");
    assertTrue(policy.err().contains("unknown policy 'lithso' in -p; did you mean lithos?"), policy.err());
    Out far = run("run", "x.json", "-p", "zzzzzz");
    assertTrue(far.err().contains("unknown policy 'zzzzzz' in -p (known:"), "nothing near: no guess; " + far.err());
  }

  @Test
  void policiesListsEveryParameterWithDefaultUnitAndDescription() {
    Out o = run("policies");
    assertEquals(0, o.code(), o.err());
    for (String p : Policies.names()) {
      for (Policies.ParamInfo i : Policies.parameters(p)) {
        String line = o.out().lines().filter(l -> l.startsWith(i.name() + " ")).findFirst().orElse("");
        assertTrue(line.contains(i.defaultText()) && line.contains(" " + i.unit() + " ") && line.contains(i.description()),
            p + "." + i.name() + " listed as: '" + line + "'");
      }
    }
    assertTrue(o.out().contains("rightSizeSlip       0.04 (4%)  fraction"), o.out());
    assertTrue(o.out().contains("maxAtomOverheadPct  5          %"), o.out());
  }

  /** One convention: a fraction is 0..1 and never named as a percent; a percent is named so. */
  @Test
  void everyParameterHasAUnitAndFractionsArePercentsOnlyByName() {
    for (String p : Policies.names()) {
      for (Policies.ParamInfo i : Policies.parameters(p)) {
        String at = p + "." + i.name();
        assertTrue(i.description().endsWith("."), at + " description ends its sentence");
        boolean percentName = i.name().endsWith("Pct") || i.name().endsWith("Percent");
        assertEquals(percentName, i.unit().equals(Param.PERCENT), at + ": % exactly where the name says so");
        if (i.unit().equals(Param.FRACTION)) {
          double v = ((Number) i.defaultValue()).doubleValue();
          assertTrue(v >= 0 && v <= 1, at + " is a fraction, 0..1: " + v);
        }
        assertTrue(List.of("ms", "us", "fraction", "%", "blocks", "count", "factor", "priority", "on/off", "name", "list")
            .contains(i.unit()), at + " unit " + i.unit());
      }
    }
  }

  @Test
  void versionNamesTheBuildAndTheCommit() {
    Out o = run("--version");
    assertTrue(o.out().matches("(?s)lithos \\d+\\.\\d+\\.\\d+\\S* \\(git \\S+\\)\\s*"), o.out());
  }
}
