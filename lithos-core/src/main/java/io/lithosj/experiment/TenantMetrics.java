package io.lithosj.experiment;

import io.lithosj.workload.Priority;

/**
 * One tenant's results over the measured window (after warm-up, up to {@code durationMs}). Only
 * requests (iterations) that arrived in the window and finished before the run stopped are latency
 * samples; the others are counted as {@code unfinished}, never recorded as latencies. The run stops
 * at the window's end, or later when the scenario lets it drain ({@code drainMs}: the window's
 * requests of stable services may finish, nothing that arrives after the window is measured).
 *
 * <p><b>Stability rule</b> (open-loop tenants, i.e. Poisson or trace arrivals): the tenant is
 * <em>unstable</em> when its queue cannot keep up, i.e. all three of
 * <ul>
 *   <li>at least {@value #MIN_UNFINISHED} of its measured-window requests are unfinished at the window's end,</li>
 *   <li>the unfinished share {@code unfinished / arrived} is above {@value #MAX_UNFINISHED_SHARE}, and</li>
 *   <li>its backlog (queued + in service) at the window's end is larger than at its start.</li>
 * </ul>
 * A stable queue ends a run with a backlog that does not depend on the run length, so its share
 * of unfinished requests falls as the run grows; an unstable queue keeps a growing share (1 -
 * service rate / arrival rate). The minimum count keeps a slow service (a 2 s LLM request at 0.5/s)
 * from being called unstable for the one request it is serving when the run ends. A closed-loop
 * tenant (BE inference, training) is stable by construction.
 *
 * <p>For an unstable tenant every latency percentile depends on the run length, so
 * {@code p50Ms..p999Ms} and {@code meanMs} are NaN and {@code p99LowerBoundMs} is reported instead:
 * the p99 over the window's requests with each unfinished one counted at its age so far (each
 * true latency is at least that age, so it bounds the true p99 from below). For a stable tenant
 * {@code p99LowerBoundMs} equals {@code p99Ms}.
 *
 * @param arrived           requests (iterations) that arrived (started) in the measured window
 * @param completed         of those, finished before the run's end: the latency samples
 * @param unfinished        {@code arrived - completed}: queued or running when the run stopped
 * @param stable            the verdict of the rule above
 * @param throughputPerSec  requests (inference) or iterations (training) completed per second
 * @param progressPerSec    the same counting partial requests (iterations): the window's completed kernels'
 *                          latency alone on the whole GPU, over a whole request's, per second. A throughput
 *                          that does not round to whole requests, for requests long against the window
 *                          (an LLM generation, a Llama fine-tuning step); the real harness counts a GPT-J
 *                          request's prefill and decode steps the same way
 * @param sloAttainment     share of the window's arrivals that completed within the SLO; NaN without an SLO
 * @param goodputPerSec     requests per second completed within the SLO; without an SLO every completed request counts
 */
public record TenantMetrics(String tenant, Priority priority, String kind, long arrived, long completed, long unfinished,
                            boolean stable, double throughputPerSec, double progressPerSec,
                            double p50Ms, double p90Ms, double p99Ms, double p999Ms, double meanMs,
                            double p99LowerBoundMs, double sloMs, double sloAttainment, double goodputPerSec) {

  public static final int MIN_UNFINISHED = 5;
  public static final double MAX_UNFINISHED_SHARE = 0.05;

  /** The stability rule above, on a tenant's counts. */
  public static boolean isStable(boolean openLoop, long arrived, long unfinished, long backlogStart, long backlogEnd) {
    if (!openLoop) return true;
    boolean manyUnfinished = unfinished >= MIN_UNFINISHED && unfinished > MAX_UNFINISHED_SHARE * arrived;
    return !(manyUnfinished && backlogEnd > backlogStart);
  }

  /** {@code unfinished / arrived} (0 when nothing arrived). */
  public double unfinishedShare() { return arrived == 0 ? 0 : (double) unfinished / arrived; }

  /** The p99 when stable; otherwise its lower bound (for plots and ratios that must show the overload). */
  public double p99OrBoundMs() { return stable ? p99Ms : p99LowerBoundMs; }

  /** The p99 as text: the value, or "unstable (>= bound)". */
  public String p99Text() {
    return stable ? String.format(java.util.Locale.ROOT, "%.3f", p99Ms)
        : String.format(java.util.Locale.ROOT, "unstable (>= %.3f)", p99LowerBoundMs);
  }
}
