package io.lithosj.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lithosj.output.Csv;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultTest {
  @Test
  void aRelabelledRunKeepsEverythingButItsPolicyLabel() throws Exception {
    RunResult r = Runner.run(ScenarioLoader.load(Scenarios.file("real/solo-demo-hp.json")).withDurationMs(200, 20));
    RunResult v = r.withPolicyLabel("mps (variant)");
    assertEquals("mps (variant)", v.policy());
    assertEquals(r.withPolicyLabel(r.policy()), r);
    assertEquals(r.toCsv().replace(",mps,", ",mps (variant),"), v.toCsv());
    // Ordinary names are never quoted: each line is its fields joined by commas, as before the CSV library.
    for (Csv.Record rec : Csv.parse(new StringReader(r.toCsv()))) {
      assertEquals(r.toCsv().lines().toList().get((int) rec.line() - 1), String.join(",", rec.fields()));
    }
  }

  @Test
  void aTenantNameWithCommaQuoteAndNewlineRoundTripsThroughTheCsv(@TempDir Path dir) throws Exception {
    String odd = "hp, \"fast\"\nline two";
    Path f = dir.resolve("odd.json");
    Files.writeString(f, Files.readString(Scenarios.file("real/solo-demo-hp.json"))
        .replace("\"name\": \"hp-infer\"", "\"name\": \"hp, \\\"fast\\\"\\nline two\""));
    RunResult r = Runner.run(ScenarioLoader.load(f).withDurationMs(200, 20));
    assertEquals(odd, r.tenants().get(0).tenant());
    Path csv = dir.resolve("odd.csv");
    r.writeCsv(csv);
    List<Csv.Record> rows = Csv.parse(new StringReader(Files.readString(csv)));
    assertEquals(2, rows.size());
    List<String> header = Arrays.asList(rows.get(0).fields());
    assertEquals(header.size(), rows.get(1).fields().length, "the odd name must not shift the columns");
    assertEquals(odd, rows.get(1).fields()[header.indexOf("tenant")]);
    assertEquals("mps", rows.get(1).fields()[header.indexOf("policy")]);
    // The reader of run CSVs (lithos compare) sees the same name.
    assertEquals(odd, RealComparison.readRunCsv(csv).get(0).get("tenant"));
  }
}
