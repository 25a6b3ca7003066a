package io.lithosj.figures;

import io.lithosj.experiment.RunResult;
import java.util.List;
import java.util.Locale;

/**
 * What every figure title says about where its numbers come from: "modeled A100 40GB (sim)" for the
 * simulator, "real H200 (cuda)" for a GPU, so a modeled result is never read as a measured one.
 */
public final class Titles {
  private Titles() {}

  /** E.g. "modeled A100 40GB (sim)" for ("sim", "a100-40gb"), "real H200 (cuda)" for ("cuda", "NVIDIA H200"). */
  public static String where(String backend, String gpu) {
    boolean real = "cuda".equals(backend);
    return (real ? "real " : "modeled ") + gpuName(gpu) + " (" + (backend == null ? "sim" : backend) + ")";
  }

  /** The runs' backend and GPU ("modeled H100 SXM (sim)"), each distinct one once, joined by " and ". */
  public static String where(List<RunResult> runs) {
    return String.join(" and ", runs.stream().map(r -> where(r.backend(), r.gpu())).distinct().toList());
  }

  /** {@code title} with {@code where} added unless it already says which backend ran ("(sim)", "(cuda)"). */
  public static String withWhere(String title, String where) {
    if (title.contains("(sim)") || title.contains("(cuda)") || where.isEmpty()) return title;
    return title + ", " + where;
  }

  /** A preset id or a device name as people write it: "a100-40gb" as "A100 40GB", "NVIDIA H200" as "H200". */
  public static String gpuName(String gpu) {
    if (gpu == null || gpu.isBlank()) return "GPU";
    String g = gpu.strip();
    if (g.toUpperCase(Locale.ROOT).startsWith("NVIDIA ")) return g.substring("NVIDIA ".length());
    return g.contains(" ") ? g : g.replace('-', ' ').toUpperCase(Locale.ROOT);
  }
}
