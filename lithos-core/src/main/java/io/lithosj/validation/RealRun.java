package io.lithosj.validation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One line of the real-stacking harness's output (results/validation/real/*.jsonl): one pair at
 * one HP load under one mechanism (or one tenant {@code alone}), one repetition. Field names are
 * the harness's snake_case ones ({@code rate_rps}, {@code split_sms}, ...); unknown fields are
 * ignored so the harness may add some.
 *
 * @param source  where the line came from ({@code file:line}), for error messages
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RealRun(String pair, Double load, String mechanism, Integer rep, Long seed, Double durationS, Double warmupS,
                      String gpu, String driver, String torch, Map<String, Integer> splitSms, List<Hp> hp, List<Be> be,
                      String error, String source) {

  /** The mechanisms the harness runs; {@code alone} rows give the solo denominators. */
  public static final List<String> MECHANISMS = List.of("alone", "time-slicing", "mps", "priority", "green-split");

  /** An HP inference service's results in this run. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Hp(String tenant, String model, Integer batch, Double soloServiceMs, Double rateRps, Double p50Ms,
                   Double p90Ms, Double p99Ms, Long completed, Long unfinished, Boolean stable) {
    /** No request completed in the window: no percentile exists (the harness writes null), the queue is unstable. */
    public boolean noneCompleted() { return completed != null && completed == 0; }

    public double p50OrNaN() { return p50Ms == null ? Double.NaN : p50Ms; }

    public double p99OrNaN() { return p99Ms == null ? Double.NaN : p99Ms; }
  }

  /** A BE job's results: {@code ratePerS} iterations (training) or requests (inference) per second. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Be(String tenant, String model, Integer batch, String kind, Double ratePerS, Double soloRatePerS,
                   Double retained) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  public RealRun withSource(String s) {
    return new RealRun(pair, load, mechanism, rep, seed, durationS, warmupS, gpu, driver, torch, splitSms, hp, be, error, s);
  }

  public boolean failed() { return error != null && !error.isBlank(); }

  /** The pair's tenants in this run, HP first. */
  public List<String> tenants() {
    List<String> out = new ArrayList<>();
    hp.forEach(h -> out.add(h.tenant()));
    be.forEach(b -> out.add(b.tenant()));
    return out;
  }

  /** Reads every line of the files (or of the *.jsonl files in folders given), checking each. */
  public static List<RealRun> read(List<Path> filesOrDirs) {
    List<RealRun> out = new ArrayList<>();
    for (Path p : filesOrDirs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) out.addAll(readFile(f));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p, e);
        }
      } else if (Files.isRegularFile(p)) {
        out.addAll(readFile(p));
      } else {
        throw new IllegalArgumentException("no real results at " + p.toAbsolutePath());
      }
    }
    return out;
  }

  public static List<RealRun> readFile(Path f) {
    List<String> lines;
    try {
      lines = Files.readAllLines(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    List<RealRun> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) continue;
      String at = f + ":" + (i + 1);
      RealRun r;
      try {
        r = JSON.readValue(line, RealRun.class).withSource(at);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(at + ": not a JSON object of the harness format: " + e.getOriginalMessage());
      }
      out.add(r.checked());
    }
    return out;
  }

  /** This run with every field the comparison needs present; throws naming the source and field. */
  public RealRun checked() {
    // a failed run (mechanism 'setup' where a pair could not be built) carries its error, maybe nothing else
    if (failed()) return this;
    need(pair, "pair");
    need(load, "load");
    need(mechanism, "mechanism");
    if (!MECHANISMS.contains(mechanism)) bad("mechanism", "'" + mechanism + "' is not one of " + MECHANISMS);
    need(durationS, "duration_s");
    need(warmupS, "warmup_s");
    need(hp, "hp");
    need(be, "be");
    if (hp.isEmpty() && be.isEmpty()) bad("hp", "no tenants in hp or be");
    for (int i = 0; i < hp.size(); i++) {
      Hp h = hp.get(i);
      String at = "hp[" + i + "].";
      need(h.tenant(), at + "tenant");
      need(h.rateRps(), at + "rate_rps");
      need(h.stable(), at + "stable");
      if (h.noneCompleted() && !h.stable()) continue; // an unstable queue that served nothing: no percentiles
      need(h.p50Ms(), at + "p50_ms");
      need(h.p99Ms(), at + "p99_ms");
      if (!(h.rateRps() > 0)) bad(at + "rate_rps", "must be > 0, was " + h.rateRps());
    }
    for (int i = 0; i < be.size(); i++) {
      Be b = be.get(i);
      String at = "be[" + i + "].";
      need(b.tenant(), at + "tenant");
      need(b.ratePerS(), at + "rate_per_s");
      if (!"alone".equals(mechanism)) need(b.retained(), at + "retained");
    }
    if ("green-split".equals(mechanism)) {
      need(splitSms, "split_sms");
      for (String t : tenants()) {
        if (splitSms.get(t) == null || splitSms.get(t) <= 0) bad("split_sms", "no SM count for tenant '" + t + "'");
      }
    }
    return this;
  }

  private void need(Object v, String field) {
    if (v == null) bad(field, "missing");
  }

  private void bad(String field, String why) {
    throw new IllegalArgumentException((source == null ? "" : source + ": ") + field + ": " + why);
  }
}
