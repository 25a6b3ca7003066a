package io.lithosj.cli;

import io.lithosj.home.LithosHome;
import io.lithosj.reproduce.HeadlineRow;
import io.lithosj.reproduce.Reproduction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lithos reproduce}: the paper's evaluation on the modeled GPUs, figures and headline table. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "Run every paper experiment on the modeled GPUs; write figures/*.png|svg, figures/data/*.csv "
        + "and figures/headline.csv.")
final class ReproduceCommand implements Callable<Integer> {
  @Option(names = "--gpu", split = ",", description = "Modeled GPUs, of a100-40gb, h100-sxm, h200 (default: ${DEFAULT-VALUE}: the paper's testbed and the GPU the traces were measured on).",
      defaultValue = "a100-40gb,h200")
  List<String> gpus;

  @Option(names = {"-o", "--out"}, description = "Output folder, relative to the working directory (default: ${DEFAULT-VALUE}; "
      + "the README's results table is updated only when this is the repository's figures folder, whose figures and tables are committed).",
      defaultValue = "figures") Path out;

  @Option(names = "--scenarios", description = "Paper scenario folder (default: the repository's datasets/scenarios/paper).")
  Path scenarios;

  @Option(names = "--quick", description = "Short runs, few sweep points: a smoke test, not results.") boolean quick;

  @Option(names = "--threads", description = "Parallel runs (default: all cores).") Integer threads;

  @Option(names = "--only", split = ",", description = "Only these experiments: inference-stacking, hybrid, atomization, slip, table1 "
      + "(figures and data only; headline.csv and the README are left alone; default: all).")
  java.util.Set<String> only;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    java.nio.file.attribute.FileTime started = FolderRecord.now();
    io.lithosj.output.SafeOutput.checkDir(out); // before hours of runs, with the system's reason
    Path scenarioDir = scenarios != null ? scenarios : LithosHome.resolve("datasets/scenarios/paper");
    Reproduction.Options o = Reproduction.Options.defaults().withGpus(gpus).withOutDir(out).withQuick(quick)
        .withScenarioDir(scenarioDir);
    if (threads != null) o = o.withThreads(threads);
    if (only != null) o = o.withOnly(only);
    List<HeadlineRow> rows = Reproduction.run(o);
    System.out.printf(Locale.ROOT, "%-75s %9s %-28s %-7s %-9s %s%n", "claim", "paper", "measured [95% CI]", "in 25%", "gpu", "detail");
    for (HeadlineRow r : rows) {
      System.out.printf(Locale.ROOT, "%-75s %8.3g%s %-28s %-7s %-9s %s%n", r.claim(), r.paperValue(), r.unit(), r.measuredText(),
          r.within25(), r.gpu(), r.detail());
    }
    FolderRecord.write(spec, out, "reproduce", started, Map.of(scenarioDir.toString(), io.lithosj.output.RunRecord.hash(scenarioDir)));
    System.out.printf(Locale.ROOT, "wrote %s in %.0f s%n", only == null ? out + "/headline.csv and figures" : "the figures and data of " + only + " to " + out, (System.nanoTime() - t0) / 1e9);
    if (!quick && only == null && LithosHome.is(out, "figures") && updateReadme(Reproduction.markdown(rows))) {
      System.out.println("updated the results table in README.md");
    }
    return 0;
  }

  /** Puts the headline table between the README's headline markers, so the README reads from the run. */
  private static boolean updateReadme(String table) {
    Path readme = LithosHome.resolve("README.md"); // the repository's, never one in the caller's folder
    try {
      if (!Files.exists(readme)) return false;
      String text = Files.readString(readme);
      String start = "<!-- headline:start -->\n";
      int a = text.indexOf(start);
      int b = text.indexOf("<!-- headline:end -->");
      if (a < 0 || b < a) return false;
      Files.writeString(readme, text.substring(0, a + start.length()) + table + text.substring(b));
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update " + readme, e);
    }
  }
}
