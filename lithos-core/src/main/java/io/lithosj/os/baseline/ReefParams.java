package io.lithosj.os.baseline;

import io.lithosj.os.Param;
import io.lithosj.os.Policies.PolicyConfigException;

/** REEF (OSDI '22) parameters; sources in docs/baselines.md. */
public final class ReefParams {
  /**
   * Time from an RT (HP) task's arrival until its first kernel can launch when BE work must
   * be reset first: kill running BE blocks, clear the host and device queues. REEF reports
   * this at tens of µs on an AMD MI50; 40 µs is the top of that range.
   */
  @Param(unit = "us", value = "Time to reset running BE work before an HP task's first kernel can launch.")
  public double preemptLatencyUs = 40;
  /**
   * Dynamic kernel padding (REEF mode). false = reset-based preemption only (REEF's
   * ScheduleMode::Reset): BE then runs only while no RT task is in flight.
   */
  @Param(unit = "on/off", value = "Dynamic kernel padding (REEF mode); off = reset-based preemption only.")
  public boolean kernelPadding = true;

  void validate() {
    if (!(preemptLatencyUs >= 0) || !Double.isFinite(preemptLatencyUs)) {
      throw new PolicyConfigException("policy.params.preemptLatencyUs", "must be >= 0, was " + preemptLatencyUs);
    }
  }
}
