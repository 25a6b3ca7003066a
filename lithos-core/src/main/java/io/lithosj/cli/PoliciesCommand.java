package io.lithosj.cli;

import io.lithosj.os.Policies;
import io.lithosj.report.Suggestions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** {@code lithos policies}: every policy with its parameters: default, unit and description. */
@Command(name = "policies", mixinStandardHelpOptions = true,
    description = {"List the policies and each parameter's default, unit and description.",
        "Units: a fraction is written 0..1 in a scenario (0.04 = 4%, shown as '0.04 (4%)'); "
            + "a % parameter is written 0..100 and its name says so (...Pct, ...Percent)."})
final class PoliciesCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "POLICY", description = "Only these policies (default: all of them).")
  List<String> only;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<String> names = only == null || only.isEmpty() ? Policies.names() : only;
    for (String n : names) {
      if (!Policies.names().contains(n)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "unknown policy '" + n + "'"
            + Suggestions.didYouMean(n, Policies.names()) + " (known: " + String.join(", ", Policies.names()) + ")");
      }
    }
    java.io.PrintWriter out = spec.commandLine().getOut();
    for (String n : names) out.println(text(n));
    out.println("Set parameters in a scenario's \"policy\": {\"name\": ..., \"params\": {...}} "
        + "or per policy in \"perPolicy\"; units: fraction = 0..1, % = 0..100.");
    out.flush();
    return 0;
  }

  /** One policy: its name and summary, then a row per parameter. */
  static String text(String policy) {
    List<Policies.ParamInfo> ps = Policies.parameters(policy);
    StringBuilder sb = new StringBuilder(policy + ": " + Policies.summary(policy) + "\n");
    if (ps.isEmpty()) return sb.append("  (no parameters)\n").toString();
    Table t = Table.create("",
        StringColumn.create("parameter", ps.stream().map(Policies.ParamInfo::name)),
        StringColumn.create("default", ps.stream().map(Policies.ParamInfo::defaultText)),
        StringColumn.create("unit", ps.stream().map(Policies.ParamInfo::unit)),
        StringColumn.create("description", ps.stream().map(Policies.ParamInfo::description)));
    return sb.append(io.lithosj.report.TextTable.render(t)).toString();
  }
}
