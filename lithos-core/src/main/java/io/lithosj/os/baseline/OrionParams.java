package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.os.Policies.PolicyConfigException;

/**
 * Orion (EuroSys '24) parameters; sources in docs/baselines.md. Zero means "derive it the
 * way the authors' setup does" for {@code durThresholdUs} and {@code smThreshold}.
 */
public final class OrionParams {
  /**
   * DUR_THRESHOLD as a fraction of the HP request's solo latency. The artifact passes
   * --orion_max_be_duration 160000 ns with a ResNet50 HP and 100000 ns with MobileNetV2,
   * about 2.5% of those requests' latency on their V100.
   */
  @Param(unit = Param.FRACTION, value = "DUR_THRESHOLD as a fraction of the HP request's latency alone.")
  public double durThresholdFraction = 0.025;
  /** DUR_THRESHOLD in µs; 0 = {@code durThresholdFraction} x the HP request's solo latency. */
  @Param(unit = "us", value = "DUR_THRESHOLD; 0 = durThresholdFraction x the HP request's latency alone.")
  public double durThresholdUs = 0;
  /**
   * SM_THRESHOLD: the most SMs the BE kernels admitted beside running HP work may need.
   * 0 = the whole GPU's SMs when HP serves inference (scheduler_eval.cpp sets max_sms), or
   * half the largest BE kernel's SM need when HP trains (the start of its bisection).
   */
  @Param(unit = "count", value = "SM_THRESHOLD: the most SMs BE kernels admitted beside HP work may need; 0 = derived as Orion does.")
  public int smThreshold = 0;
  /** hp_limit: tolerated HP training iteration time; > 0 turns on Orion's SM_THRESHOLD bisection. */
  @Param(unit = "ms", value = "hp_limit: tolerated HP training iteration time; > 0 turns on the SM_THRESHOLD bisection.")
  public double hpIterLimitMs = 0;
  /** The bisection step runs every this many HP iterations (10 in scheduler_eval.cpp). */
  @Param(unit = "count", value = "The bisection step runs every this many HP iterations.")
  public int bisectEveryIterations = 10;
  /**
   * Roofline ridge for the compute/memory classification: memory-bound when the kernel's
   * full-GPU DRAM demand is at least this many times the bandwidth (roofline_analysis.py
   * compares arithmetic intensity with the V100 ridge, --ai_threshold 9.72 FLOP/B).
   */
  @Param(unit = "factor", value = "A kernel is memory-bound when its full-GPU DRAM demand is at least this many times the bandwidth.")
  public double rooflineRidge = 1.0;

  void validate() {
    if (!(durThresholdFraction > 0) || !Double.isFinite(durThresholdFraction)) {
      throw bad("durThresholdFraction", "must be > 0, was " + durThresholdFraction);
    }
    if (!(durThresholdUs >= 0) || !Double.isFinite(durThresholdUs)) throw bad("durThresholdUs", "must be >= 0, was " + durThresholdUs);
    if (smThreshold < 0) throw bad("smThreshold", "must be >= 0, was " + smThreshold);
    if (!(hpIterLimitMs >= 0) || !Double.isFinite(hpIterLimitMs)) throw bad("hpIterLimitMs", "must be >= 0, was " + hpIterLimitMs);
    if (bisectEveryIterations < 1) throw bad("bisectEveryIterations", "must be >= 1, was " + bisectEveryIterations);
    if (!(rooflineRidge > 0) || !Double.isFinite(rooflineRidge)) throw bad("rooflineRidge", "must be > 0, was " + rooflineRidge);
  }

  private static PolicyConfigException bad(String field, String msg) {
    return new PolicyConfigException("policy.params." + field, msg);
  }
}
