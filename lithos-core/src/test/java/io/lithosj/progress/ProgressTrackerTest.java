package io.lithosj.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.experiment.Scenarios;
import io.lithosj.experiment.Sweep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {
  private final AtomicLong nowNanos = new AtomicLong();
  private final List<ProgressState> heard = new ArrayList<>();

  private void sleepMs(long ms) { nowNanos.addAndGet(ms * 1_000_000L); }

  @Test
  void reportsAreThrottledButCompletionsAndTheEndAlwaysGetThrough() {
    ProgressTracker t = new ProgressTracker("sweep: 2 runs", 2, heard::add, 250, nowNanos::get);
    t.advance(0, 0.1); // first report: sent
    sleepMs(100);
    t.advance(0, 0.2); // 100 ms later: held back
    sleepMs(200);
    t.advance(1, 0.5); // 300 ms after the first: sent
    t.complete(0); // a unit completing is always sent
    t.finish();
    t.advance(1, 0.9); // after the end: ignored
    assertEquals(4, heard.size(), heard::toString);
    assertEquals(0.1, heard.get(0).done(), 1e-9);
    assertEquals(0.7, heard.get(1).done(), 1e-9, "the held-back 0.2 of unit 0 counts in the next report");
    assertEquals(1, heard.get(2).finished());
    assertTrue(heard.get(3).over());
    assertEquals("sweep: 2 runs: 1/2 runs done in 0.3 s", heard.get(3).toString());
  }

  @Test
  void timeLeftExtrapolatesTheRateSoFar() {
    ProgressTracker t = new ProgressTracker("demo / lithos", 4, heard::add, 0, nowNanos::get);
    t.advance(0, 0.01); // 0.25 % done: too little to extrapolate
    assertTrue(Double.isNaN(heard.get(0).secondsLeft()));
    assertTrue(heard.get(0).toString().endsWith("estimating time left"), heard.get(0)::toString);
    sleepMs(30_000);
    t.complete(0); // a quarter done in 30 s: 90 s left
    ProgressState s = heard.get(1);
    assertEquals(90, s.secondsLeft(), 1e-6);
    assertEquals("demo / lithos: 1/4 runs, 25 %, 30 s elapsed, about 1 min 30 s left", s.toString());
  }

  @Test
  void oneRunHasNoCount() {
    ProgressTracker t = new ProgressTracker("demo / lithos", 1, heard::add, 0, nowNanos::get);
    sleepMs(2000);
    t.advance(0, 0.25);
    sleepMs(1000);
    t.finish();
    assertEquals("demo / lithos: 25 %, 2.0 s elapsed, about 6.0 s left", heard.get(0).toString());
    assertEquals("demo / lithos: done in 3.0 s", heard.get(1).toString());
  }

  @Test
  void durationsReadAsPeopleSayThem() {
    assertEquals("0.4 s", Durations.format(0.43));
    assertEquals("12 s", Durations.format(12.4));
    assertEquals("2 min 05 s", Durations.format(125));
    assertEquals("1 h 03 min", Durations.format(3780));
    assertEquals("?", Durations.format(Double.NaN));
  }

  @Test
  void aSweepReportsEachRunAndEndsAtTotalWithTheSameResults() {
    Scenario s = ScenarioLoader.load(Scenarios.file("real/solo-demo-hp.json")).withDurationMs(100, 10);
    List<Scenario> runs = List.of(s.withPolicy("mps"), s.withPolicy("lithos"));
    List<ProgressState> states = Collections.synchronizedList(new ArrayList<>());
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    List<RunResult> watched = Sweep.run(runs, 2, lines::add, states::add);
    ProgressState last = states.get(states.size() - 1);
    assertTrue(last.over());
    assertEquals(2, last.finished());
    assertEquals(2, last.total());
    assertEquals(1.0, last.fraction(), 1e-9);
    assertTrue(states.stream().anyMatch(x -> !x.over() && x.finished() == 1), "a report as the first run ends: " + states);
    assertEquals(2, lines.size());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("[1/2] ") && l.contains("elapsed, about ")), lines::toString);
    // watching does not change what is computed
    List<RunResult> plain = Sweep.run(runs);
    for (int i = 0; i < runs.size(); i++) assertEquals(plain.get(i).toCsv(), watched.get(i).toCsv());
  }

  @Test
  void ambientProgressHearsARunWhenInstalledAndNothingOtherwise() {
    Scenario s = ScenarioLoader.load(Scenarios.file("real/solo-demo-hp.json")).withDurationMs(100, 10).withPolicy("mps");
    List<ProgressState> states = Collections.synchronizedList(new ArrayList<>());
    var old = AmbientProgress.install(label -> states::add);
    try {
      io.lithosj.experiment.Runner.run(s);
    } finally {
      AmbientProgress.install(old);
    }
    assertTrue(states.get(states.size() - 1).over(), states::toString);
    assertTrue(states.get(0).label().endsWith(" / mps"), states::toString);
    int heardSoFar = states.size();
    io.lithosj.experiment.Runner.run(s);
    assertEquals(heardSoFar, states.size(), "the provider put back is silent");
  }
}
