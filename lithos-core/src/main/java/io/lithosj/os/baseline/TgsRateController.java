package io.lithosj.os.baseline;

/**
 * TGS's adaptive rate control (the BE side's limit_manager and update_rate_limit), fed one
 * report of the HP job's block rate per period. It first profiles the HP job's solo rate
 * while the BE job is held back, then probes like TCP: slow start (x1.5) while the HP rate
 * stays within {@code threshold} of its max, back off and switch to additive increase /
 * multiplicative decrease once it does not, and fall back to slow start (budget / 10) when
 * the HP rate drops by 3x the threshold. Pure logic, no clock: the policy feeds it.
 */
final class TgsRateController {
  enum State { SLOW_START, CONGESTION_AVOIDANCE }

  /** UPPER_LIMIT and the two per-state caps of the C code (2^40 in slow start, 2^32 otherwise). */
  static final long UPPER_LIMIT = 100_000_000_000_000L;
  static final long SLOW_START_CAP = 1L << 40;
  static final long AVOIDANCE_CAP = 1L << 32;

  private final TgsParams p;
  private final double[] window;
  private double maxRate;
  private boolean profiling = true;
  private int profileStep;
  private boolean keepProfiling;
  private long controlReports;
  private State state;
  private int sign;
  private int staleCount;
  private long limit; // BE blocks per rate window; 0 holds BE to one kernel per window
  private long reports;

  TgsRateController(TgsParams p) {
    this.p = p;
    this.window = new double[p.windowSize];
  }

  long limitBlocks() { return limit; }
  boolean profiling() { return profiling; }
  double maxRate() { return maxRate; }
  State state() { return state; }
  long reports() { return reports; }

  /**
   * One report.
   *
   * @param hpBlocks      blocks the HP job launched during the last period
   * @param beBlocksRate  blocks the BE job launched in its last full rate window (g_current_rate)
   */
  void onReport(double hpBlocks, long beBlocksRate) {
    reports++;
    double recv = Math.max(hpBlocks, 1.0);
    double windowMax = shiftWindow(recv);
    double maxDelta = relative(windowMax, maxRate);
    if (profiling) {
      profileStep(windowMax, maxDelta);
      return;
    }
    if (Math.abs(maxDelta) <= p.trackTolerance) {
      maxRate = Math.max(maxRate, windowMax);
    } else if (Math.abs(maxDelta) > p.reprofileTolerance) {
      nudgeMax(windowMax, maxDelta);
      profiling = true; // goto profile: the budget stays as it is meanwhile
      profileStep = 0;
      return;
    }
    controlReports++;
    if (controlReports == 1) {
      restart(p.initialLimitBlocks);
      return;
    }
    int idle = 0;
    for (double r : window) if (r < p.idleRateBlocks) idle++;
    int idleAllowed = p.windowSize / 5 * 2;
    if (idle <= idleAllowed || controlReports < p.warmupReports) {
      if (idle == idleAllowed && idleAllowed > 0 && controlReports > p.warmupReports) {
        restart(p.initialLimitBlocks);
      } else {
        update(recv, beBlocksRate);
      }
    } else {
      // The HP job is (mostly) idle: let BE run free until it comes back.
      restart(Math.min(UPPER_LIMIT, Math.max(3 * beBlocksRate, AVOIDANCE_CAP)));
    }
  }

  private void profileStep(double windowMax, double maxDelta) {
    if (Math.abs(maxDelta) <= p.profileTolerance) {
      // Keep profiling while the estimate is still rising. The C test (|max - windowMax| < 1
      // after max = max(max, windowMax)) also continues on a tie, which only real-GPU jitter
      // ever breaks; in a deterministic model a steady HP rate would profile forever.
      keepProfiling = windowMax > maxRate;
      maxRate = Math.max(maxRate, windowMax);
    } else {
      nudgeMax(windowMax, maxDelta);
      keepProfiling = true;
    }
    profileStep++;
    if (profileStep >= p.profileReports && !keepProfiling) profiling = false;
  }

  /** Move the max-rate estimate 2.5% short of an outlying window max, towards it. */
  private void nudgeMax(double windowMax, double maxDelta) {
    if (maxDelta > 0) maxRate = Math.max(maxRate, windowMax * 0.975);
    else maxRate = Math.min(maxRate, windowMax * 1.025); // NaN (0/0) lands here, as in C
  }

  private void update(double recv, long beBlocksRate) {
    double delta = Math.abs(relative(recv, maxRate));
    switch (state) {
      case SLOW_START -> {
        if (delta <= p.threshold) {
          long cap = Math.min(UPPER_LIMIT, Math.max(3 * beBlocksRate, SLOW_START_CAP));
          limit = Math.min((long) (limit * p.slowStartFactor + 1), cap);
        } else {
          limit = (long) (limit / p.slowStartFactor);
          sign = -1;
          state = State.CONGESTION_AVOIDANCE;
        }
      }
      case CONGESTION_AVOIDANCE -> {
        long cap = Math.min(UPPER_LIMIT, Math.max(3 * beBlocksRate, AVOIDANCE_CAP));
        if ((sign == -1 && delta <= p.threshold) || (sign == 1 && delta < p.threshold)) {
          limit += Math.max((long) (maxRate * p.additiveFraction), p.minStepBlocks);
          sign = 1;
        } else {
          limit -= Math.max((long) (limit * p.decreaseFraction), p.minStepBlocks);
          sign = -1;
        }
        limit = Math.min(limit, cap);
        if (delta >= 3 * p.threshold) {
          state = State.SLOW_START;
          limit /= 10;
        }
      }
    }
    if (delta >= p.staleDelta) {
      if (++staleCount >= p.staleReports) {
        // The HP job's solo rate itself has dropped (new phase): forget part of the max.
        maxRate *= p.staleDecay;
        staleCount = 0;
        state = State.SLOW_START;
        limit /= 2;
      }
    } else {
      staleCount = 0;
    }
    limit = Math.max(0, limit);
  }

  private void restart(long newLimit) {
    limit = newLimit;
    state = State.SLOW_START;
  }

  /** shift_window: max of adjacent-pair means of the old window, then push {@code r}. */
  private double shiftWindow(double r) {
    double max = 0;
    for (int i = window.length - 1; i > 0; i--) {
      max = Math.max(max, (window[i] + window[i - 1]) / 2);
      window[i] = window[i - 1];
    }
    window[0] = r;
    return max;
  }

  /** (a - b) / b with C's IEEE results for b == 0 (+inf, or NaN for 0/0). */
  private static double relative(double a, double b) {
    return (a - b) / b;
  }
}
