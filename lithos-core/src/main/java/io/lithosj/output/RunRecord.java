package io.lithosj.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lithosj.experiment.Scenario;
import io.lithosj.experiment.ScenarioLoader;
import io.lithosj.repo.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What made a set of output files, written as a JSON file beside them ({@code *.run.json}): the
 * toolkit version, the git commit, the command line, and a SHA-256 of each scenario as it ran. A
 * sidecar rather than extra CSV columns, so the CSVs that tests and notebooks parse stay as they are.
 *
 * <p>A scenario's hash is over its canonical JSON after the command's overrides (policy, seed, GPU,
 * duration), so two files with equal hashes ran the same experiment; a folder's hash (for commands
 * that read a folder of scenarios) is over its files' names and bytes.
 */
public final class RunRecord {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunRecord() {}

  /** The record's fields, in the order written; files are named relative to {@code folder}. */
  public static Map<String, Object> of(Path folder, String commandLine, List<Path> files, Map<String, String> scenarioHashes) {
    Path base = folder.toAbsolutePath().normalize();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("toolkit", "lithos-j");
    m.put("version", Provenance.version());
    m.put("gitCommit", Provenance.gitCommit());
    m.put("commandLine", commandLine);
    m.put("writtenAt", Instant.now().toString());
    m.put("files", files.stream().map(f -> base.relativize(f.toAbsolutePath().normalize()).toString()).toList());
    m.put("scenarioSha256", scenarioHashes);
    return m;
  }

  /** Writes {@link #of} atomically to {@code sidecar}. */
  public static void write(Path sidecar, String commandLine, List<Path> files, Map<String, String> scenarioHashes) {
    try {
      SafeOutput.write(sidecar, JSON.writeValueAsString(of(sidecar.toAbsolutePath().getParent(), commandLine, files, scenarioHashes)) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 (hex) of the scenario's canonical JSON. */
  public static String hash(Scenario s) {
    return sha256(ScenarioLoader.toJson(s).getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 (hex) over a file's bytes, or over each file's relative name and bytes of a folder, in name order. */
  public static String hash(Path fileOrDir) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      if (Files.isDirectory(fileOrDir)) {
        List<Path> files;
        try (Stream<Path> all = Files.walk(fileOrDir)) {
          files = all.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          md.update(fileOrDir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
          md.update(Files.readAllBytes(f));
        }
      } else {
        md.update(Files.readAllBytes(fileOrDir));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + fileOrDir.toAbsolutePath(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
