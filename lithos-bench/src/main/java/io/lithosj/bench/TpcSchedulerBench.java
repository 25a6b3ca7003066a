package io.lithosj.bench;

import io.lithosj.gpu.TpcSet;
import io.lithosj.kernel.Kernel;
import io.lithosj.kernel.WorkProfile;
import io.lithosj.os.lithos.TpcScheduler;
import io.lithosj.workload.Workload;
import io.lithosj.workload.Priority;
import io.lithosj.workload.TenantSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The LithOS TPC scheduler's per-dispatch choice: which k of the idle TPCs a tenant takes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TpcSchedulerBench {
  TpcScheduler scheduler;
  TpcSet avail;

  @Setup
  public void setUp() {
    Kernel k = new Kernel("k", 132, 256, 32, 0, new WorkProfile(10, 0, 1));
    Workload w = new Workload.Training(List.of(k), 1);
    scheduler = new TpcScheduler(66, List.of(new TenantSpec("hp1", Priority.HP, 0, 22, w), new TenantSpec("hp2", Priority.HP, 0, 22, w),
        new TenantSpec("be", Priority.BE, 0, 0, w)));
    avail = TpcSet.range(10, 60);
  }

  @Benchmark
  public TpcSet pick() {
    return scheduler.pick(avail, 30, 2);
  }
}
