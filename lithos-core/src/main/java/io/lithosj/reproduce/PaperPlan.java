package io.lithosj.reproduce;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lithosj.experiment.ScenarioException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The paper's experiments as data ({@code datasets/scenarios/paper/plan.json}): its Table 2
 * services and Table 1 training jobs, which combinations run, with how many seeds, and the
 * scenario file each experiment starts from (its GPU, quotas, duration). The classes of this
 * package read it; adding a combination, a job or a sweep point is an edit of that file.
 *
 * @param seeds        independent runs per configuration (each headline value has a 95% interval over them)
 * @param firstSeed    seeds are firstSeed, firstSeed+1, ...
 * @param maxSoloLoad  a Table 2 load above this share of a service's capacity alone on the modeled GPU is scaled
 *                     down to it (and the output says so); the paper's load is kept everywhere else
 * @param policies     the systems compared
 */
public record PaperPlan(String about, int seeds, long firstSeed, double maxSoloLoad, List<String> policies,
                        Map<String, Service> services, Map<String, TrainingJob> training, InferenceStacking inferenceStacking,
                        Hybrid hybrid, Table1 table1, Atomization atomization) {

  /**
   * A Table 2 inference service. {@code model} (+ optional {@code batchSize}) names the trace;
   * absent batchSize = the paper's shape.
   */
  public record Service(String model, Integer batchSize, double ratePerSec, double sloMs, String framework) {}

  /** A Table 1 training job at its batch size, with the paper's A100 iteration latency. */
  public record TrainingJob(String model, Integer batchSize, double paperIterationMs, double paperMemoryGiB) {}

  /**
   * Each run: one HP-A (latency SLO) + one HP-B (throughput SLO) + one BE; every {@code hpA} with
   * every {@code [hpB, be]} pair of {@code hpBAndBe}. Names are keys of {@code services}.
   */
  public record InferenceStacking(String scenario, List<String> hpA, List<List<String>> hpBAndBe) {}

  /** One HP service beside each training job (BE). */
  public record Hybrid(String scenario, String hp, List<String> jobs) {}

  /** Each job alone on {@code gpu} against the paper's iteration latency. */
  public record Table1(String gpu, double durationMs, double warmupMs, List<String> jobs) {}

  /**
   * HP service beside a BE training job whose batch is Table 1's times each {@code batchFactors},
   * and beside a BE inference service whose sequence length is each of {@code seqLens}
   * ({@code baseSeq} = the length its trace was measured at), atomization on and off.
   */
  public record Atomization(String scenario, String hp, String trainingJob, List<Double> batchFactors, String inferenceBe,
                            int baseSeq, List<Integer> seqLens, double atomTargetMs) {}

  private static final ObjectMapper JSON = JsonMapper.builder().build()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);

  public static PaperPlan load(Path file) {
    PaperPlan p;
    try {
      p = JSON.readValue(file.toFile(), PaperPlan.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read plan " + file + ": " + e.getMessage(), e);
    }
    p.check();
    return p;
  }

  Service service(String name) {
    Service s = services.get(name);
    if (s == null) throw new ScenarioException("plan.services", "no service '" + name + "' (known: " + services.keySet() + ")");
    return s;
  }

  TrainingJob job(String name) {
    TrainingJob j = training.get(name);
    if (j == null) throw new ScenarioException("plan.training", "no job '" + name + "' (known: " + training.keySet() + ")");
    return j;
  }

  private void check() {
    if (seeds < 1) throw new ScenarioException("plan.seeds", "must be >= 1, was " + seeds);
    if (!(maxSoloLoad > 0 && maxSoloLoad <= 1)) throw new ScenarioException("plan.maxSoloLoad", "must be in (0, 1], was " + maxSoloLoad);
    if (policies == null || policies.isEmpty()) throw new ScenarioException("plan.policies", "missing");
    if (services == null || training == null) throw new ScenarioException("plan.services", "services and training are needed");
    if (inferenceStacking != null) {
      inferenceStacking.hpA().forEach(this::service);
      for (List<String> pair : inferenceStacking.hpBAndBe()) {
        if (pair.size() != 2) throw new ScenarioException("plan.inferenceStacking.hpBAndBe", "each entry is [hpB, be], was " + pair);
        pair.forEach(this::service);
      }
    }
    if (hybrid != null) {
      service(hybrid.hp());
      hybrid.jobs().forEach(this::job);
    }
    if (table1 != null) table1.jobs().forEach(this::job);
    if (atomization != null) {
      service(atomization.hp());
      job(atomization.trainingJob());
      service(atomization.inferenceBe());
    }
  }
}
