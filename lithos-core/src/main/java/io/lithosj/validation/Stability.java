package io.lithosj.validation;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.TenantMetrics;
import org.HdrHistogram.Histogram;

/**
 * Whether a modeled HP service kept up with its arrivals. The runner has no stability flag yet, so
 * this is the <b>backlog rule</b>, from what a run reports: of the requests that arrived in the
 * measured window (completed ones plus those still queued or running at the end, which the runner
 * records with their age), at most {@link #SLACK_REQUESTS} + {@link #BACKLOG_SHARE} of them may be
 * left unfinished. A stable queue ends with a backlog of a few requests whatever the window; an
 * unstable one keeps a share of all arrivals that grows with the window. Swap this class for the
 * shared flag once TenantMetrics has one.
 */
public final class Stability {
  /** Requests that may be queued at the end of a stable run (one in service plus a short queue). */
  public static final double SLACK_REQUESTS = 2;
  /** Share of the window's arrivals that may be left unfinished in a stable run. */
  public static final double BACKLOG_SHARE = 0.05;

  private Stability() {}

  /** The rule for one inference tenant of a run. */
  public static boolean stable(RunResult run, String tenant) {
    TenantMetrics m = run.tenant(tenant);
    Histogram h = run.latencyHistograms().get(tenant);
    long arrived = h == null ? m.completed() : h.getTotalCount();
    return stable(m.completed(), arrived - m.completed());
  }

  /** {@code unfinished} of the {@code completed + unfinished} requests that arrived in the window. */
  public static boolean stable(long completed, long unfinished) {
    return unfinished <= SLACK_REQUESTS + BACKLOG_SHARE * (completed + unfinished);
  }

  /** The rule, in words, for reports. */
  public static String rule() {
    return "backlog rule: stable iff the requests still queued or running at the end are at most "
        + (int) SLACK_REQUESTS + " + " + (int) (BACKLOG_SHARE * 100) + "% of those that arrived after the warm-up";
  }
}
