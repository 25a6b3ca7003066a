package io.lithosj.reproduce;

import io.lithosj.experiment.Scenario;
import io.lithosj.figures.Charts;
import io.lithosj.figures.Titles;
import io.lithosj.stats.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hybrid stacking: one HP inference service (template role {@code hp}) beside each Table 1
 * training job at its batch size (role {@code be}). Metrics: the HP tail normalised to the HP
 * service alone, and aggregate throughput (HP requests completed per request arrived + BE progress / alone, partial iterations counted).
 */
final class HybridExperiment {
  static final String ID = "hybrid";

  private HybridExperiment() {}

  static List<HeadlineRow> run(ExperimentContext ctx, PaperPlan plan, Scenario template, List<Long> seeds) {
    PaperPlan.Hybrid h = plan.hybrid();
    Scenario base = template.withGpu(ctx.gpu());
    Roles.Load load = Roles.offeredLoad(base, "hp", h.hp(), plan.service(h.hp()), plan.maxSoloLoad());
    if (load.scaled()) ctx.log().accept("   " + ctx.gpu() + ": " + load.note());
    List<PaperStacking.Case> cases = new ArrayList<>();
    for (String job : h.jobs()) {
      Scenario s = Roles.service(base, "hp", plan.service(h.hp()), load.offeredRps());
      s = Roles.training(s, "be", plan.job(job));
      cases.add(new PaperStacking.Case(h.hp() + "+" + job, job, s, "hp", plan.service(h.hp()).sloMs(), List.of(load)));
    }
    PaperStacking.Result r = PaperStacking.run(ctx, ID, cases, plan.policies(), seeds, false);
    figures(ctx, r, h.hp());
    String note = "SOSP '25 numbers" + (load.scaled() ? "; " + load.note() : "");
    return PaperStacking.headline(ctx, r, "Hybrid stacking (HP inference + BE training)", 4.7, 1.18, 1.35, "aggregate throughput", note);
  }

  private static void figures(ExperimentContext ctx, PaperStacking.Result r, String hp) {
    Map<String, Map<String, Stats.Interval>> norm = PaperStacking.tailByGroup(r, r::normalizedTail);
    List<String> jobs = new ArrayList<>(norm.keySet());
    Map<String, List<Charts.Bar>> series = new LinkedHashMap<>();
    for (String p : r.policies()) {
      series.put(p, jobs.stream().map(j -> {
        Stats.Interval v = norm.get(j).get(p);
        return new Charts.Bar(v.mean(), v.high() - v.mean(), false);
      }).toList());
    }
    Charts.save(Charts.barsWithErrors("Hybrid, " + Titles.where("sim", ctx.gpu()) + ": " + hp + " p99 / alone (" + r.seeds()
            + " seeds, 95% CI; unstable: lower bound)", "BE training job (Table 1 batch)",
        "HP p99 / HP p99 alone", jobs, series), ctx.figuresDir(), ctx.prefix(ID) + "-hp-tail");
    Map<String, Charts.Bar> agg = new LinkedHashMap<>();
    for (int p = 0; p < r.policies().size(); p++) {
      Stats.Interval v = Stats.meanInterval95(r.perSeedMean(p, r::aggregate));
      agg.put(r.policies().get(p), new Charts.Bar(v.mean(), v.high() - v.mean(), false));
    }
    Charts.save(Charts.systemBars("Hybrid stacking, " + Titles.where("sim", ctx.gpu()) + ": aggregate throughput, mean over jobs and "
        + r.seeds() + " seeds, 95% CI", "HP completed / arrived + BE progress / alone", agg, "ideal (2)", 2.0, ""),
        ctx.figuresDir(), ctx.prefix(ID) + "-aggregate");
  }
}
