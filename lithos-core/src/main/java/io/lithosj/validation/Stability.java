package io.lithosj.validation;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.TenantMetrics;

/**
 * Whether a modeled HP service kept up with its arrivals, judged by the <b>unfinished-share rule</b>
 * of the real harness (validation/README.md, its first criterion), on the counts the runner reports
 * ({@link TenantMetrics#arrived()}, {@link TenantMetrics#unfinished()}): unstable when more than
 * {@link #MAX_UNFINISHED_SHARE} of the requests that arrived in the measured window are still queued
 * or running at the end. The same rule on both sides keeps the stability cells comparable; the
 * runner's own verdict ({@link TenantMetrics#stable()}) also asks for a growing backlog. The
 * harness's second criterion (the median latency of the window's last third of arrivals over the
 * first third's above 2) needs per-request latencies the runner does not report.
 */
public final class Stability {
  /** The real harness's threshold (stack_harness.py MAX_UNFINISHED_SHARE). */
  public static final double MAX_UNFINISHED_SHARE = 0.05;

  private Stability() {}

  /** The rule for one inference tenant of a run. */
  public static boolean stable(RunResult run, String tenant) {
    TenantMetrics m = run.tenant(tenant);
    return m.completed() > 0 && m.unfinishedShare() <= MAX_UNFINISHED_SHARE;
  }

  /** {@code unfinished} of the {@code completed + unfinished} requests that arrived in the window. */
  public static boolean stable(long completed, long unfinished) {
    long arrived = completed + unfinished;
    return arrived > 0 && completed > 0 && unfinished <= MAX_UNFINISHED_SHARE * arrived;
  }

  /** The rule, in words, for reports. */
  public static String rule() {
    return "unfinished-share rule: unstable when more than " + (int) (MAX_UNFINISHED_SHARE * 100)
        + "% of the requests that arrived after the warm-up are unfinished at the end (the real harness's first criterion)";
  }
}
