package io.lithosj.backend.sim;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One pop and one push of the modeled GPU's event queue at a steady size (about the groups in flight on an H100). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventQueueBench {
  @Param({"500", "4000"}) int pending;
  EventQueue q;
  SplittableRandom rng;

  @Setup(Level.Trial)
  public void fill() {
    q = new EventQueue();
    rng = new SplittableRandom(1);
    for (int i = 0; i < pending; i++) q.push(rng.nextDouble(), 0, i);
  }

  @Benchmark
  public int popPush() {
    double t = q.peekTime();
    int p = q.peekPayload();
    q.pop();
    q.push(t + rng.nextDouble(), 0, p);
    return p;
  }
}
