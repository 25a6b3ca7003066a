package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.os.Policies.PolicyConfigException;

/**
 * TGS (NSDI '23) parameters. Defaults are the constants of pkusys/TGS
 * hijack/src/{high,low}_priority_hijack_call.c; rates are thread blocks (grid size) launched,
 * the unit TGS counts in. Note the time scale: with 5 s reports TGS needs at least
 * {@code (profileReports + 1) * reportPeriodMs} = 30 s before it starts to raise the BE rate.
 */
public final class TgsParams {
  /** HP rate_monitor / rate_watcher period: the HP job's block count is reported this often. */
  @Param(unit = "ms", value = "The HP job's block count is reported this often (rate_monitor period).")
  public double reportPeriodMs = 5000;
  /** BE rate_watcher period: the BE launch budget applies per window of this length. */
  @Param(unit = "ms", value = "The BE launch budget applies per window of this length.")
  public double rateWindowMs = 50;
  /** TIME_TICK: a throttled BE launch sleeps this long before it checks again. */
  @Param(unit = "ms", value = "A throttled BE launch sleeps this long before it checks again (TIME_TICK).")
  public double pollMs = 10;
  /** PROFILE_TIME: reports spent estimating the HP job's solo rate before control starts. */
  @Param(unit = "count", value = "Reports spent estimating the HP job's rate alone before control starts (PROFILE_TIME).")
  public int profileReports = 5;
  /** WINDOW_SIZE: HP rates kept for the max-rate estimate (max over adjacent-pair means). */
  @Param(unit = "count", value = "HP rates kept for the max-rate estimate (WINDOW_SIZE).")
  public int windowSize = 5;
  /** LIMIT_INITIALIZER: BE budget (blocks per window) when control starts or restarts. */
  @Param(unit = "blocks", value = "BE budget per window when control starts or restarts (LIMIT_INITIALIZER).")
  public long initialLimitBlocks = 20000;
  /** RATE_MIN: the smallest additive step up or down, in blocks. */
  @Param(unit = "blocks", value = "The smallest additive step of the BE budget up or down (RATE_MIN).")
  public long minStepBlocks = 1000;
  /** threshold in update_rate_limit: HP rate within this fraction of its max counts as unharmed. */
  @Param(unit = Param.FRACTION, value = "An HP rate within this fraction of its max counts as unharmed.")
  public double threshold = 0.03;
  /** Slow start multiplies the BE budget by this while HP is unharmed. */
  @Param(unit = "factor", value = "Slow start multiplies the BE budget by this while HP is unharmed.")
  public double slowStartFactor = 1.5;
  /** Congestion avoidance adds max(maxHpRate * this, minStepBlocks). */
  @Param(unit = Param.FRACTION, value = "Congestion avoidance adds max(maxHpRate x this, minStepBlocks).")
  public double additiveFraction = 0.00025;
  /** Congestion avoidance removes max(budget * this, minStepBlocks). */
  @Param(unit = Param.FRACTION, value = "Congestion avoidance removes max(budget x this, minStepBlocks).")
  public double decreaseFraction = 0.08;
  /** Profiling: a window max within this fraction of the estimate is taken as the max. */
  @Param(unit = Param.FRACTION, value = "Profiling: a window max within this fraction of the estimate is taken as the max.")
  public double profileTolerance = 0.05;
  /** Control: HP window max within this fraction raises the max-rate estimate. */
  @Param(unit = Param.FRACTION, value = "Control: an HP window max within this fraction raises the max-rate estimate.")
  public double trackTolerance = 0.1;
  /** Control: HP window max off by more than this restarts profiling. */
  @Param(unit = Param.FRACTION, value = "Control: an HP window max off by more than this restarts profiling.")
  public double reprofileTolerance = 0.2;
  /** An HP rate this far below its max for {@code staleReports} reports in a row ... */
  @Param(unit = Param.FRACTION, value = "An HP rate this far below its max for staleReports reports in a row decays the estimate.")
  public double staleDelta = 0.12;
  @Param(unit = "count", value = "Reports in a row below staleDelta before the max-rate estimate decays.")
  public int staleReports = 20;
  /** ... scales the max-rate estimate by this and halves the BE budget. */
  @Param(unit = "factor", value = "The decay: the max-rate estimate is scaled by this and the BE budget halved.")
  public double staleDecay = 0.8;
  /** HP rates below this many blocks per report count as "HP idle" (the num_zero test). */
  @Param(unit = "blocks", value = "HP rates below this many blocks per report count as HP idle.")
  public double idleRateBlocks = 1000;
  /** Reports after control starts during which an idle HP does not unleash BE (cnt < 15). */
  @Param(unit = "count", value = "Reports after control starts during which an idle HP does not unleash BE.")
  public int warmupReports = 15;

  void validate() {
    positive("reportPeriodMs", reportPeriodMs);
    positive("rateWindowMs", rateWindowMs);
    positive("pollMs", pollMs);
    positive("threshold", threshold);
    positive("profileTolerance", profileTolerance);
    positive("trackTolerance", trackTolerance);
    if (!(reprofileTolerance >= trackTolerance)) {
      throw bad("reprofileTolerance", "must be >= trackTolerance (" + trackTolerance + "), was " + reprofileTolerance);
    }
    if (!(slowStartFactor > 1)) throw bad("slowStartFactor", "must be > 1, was " + slowStartFactor);
    if (profileReports < 1) throw bad("profileReports", "must be >= 1, was " + profileReports);
    if (windowSize < 2) throw bad("windowSize", "must be >= 2, was " + windowSize);
    if (initialLimitBlocks < 0) throw bad("initialLimitBlocks", "must be >= 0, was " + initialLimitBlocks);
    if (minStepBlocks < 0) throw bad("minStepBlocks", "must be >= 0, was " + minStepBlocks);
    if (!(decreaseFraction >= 0 && decreaseFraction < 1)) throw bad("decreaseFraction", "must be in [0, 1), was " + decreaseFraction);
    if (!(staleDecay > 0 && staleDecay <= 1)) throw bad("staleDecay", "must be in (0, 1], was " + staleDecay);
    if (staleReports < 1) throw bad("staleReports", "must be >= 1, was " + staleReports);
  }

  private static void positive(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw bad(field, "must be > 0, was " + v);
  }

  static PolicyConfigException bad(String field, String msg) {
    return new PolicyConfigException("policy.params." + field, msg);
  }
}
