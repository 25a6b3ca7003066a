package io.lithosj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The record of a folder-writing command (reproduce, calibrate, gpu-smoke) lists only what this run wrote. */
class FolderRecordTest {
  @Test
  void listsTheFilesWrittenSinceTheCommandStartedWithTheCommandLine(@TempDir Path dir) throws Exception {
    Path old = Files.writeString(dir.resolve("old.csv"), "from an earlier run");
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    CommandLine cl = LithosCli.commandLine();
    cl.parseArgs("reproduce", "--quick", "-o", dir.toString());
    FileTime since = FolderRecord.now();
    Files.writeString(dir.resolve("new.csv"), "this run");
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/a.csv"), "this run");
    FolderRecord.write(cl.getSubcommands().get("reproduce").getCommandSpec(), dir, "reproduce", since, Map.of("plan", "abc"));
    JsonNode rec = new ObjectMapper().readTree(dir.resolve("reproduce.run.json").toFile());
    List<String> files = new ArrayList<>();
    rec.path("files").forEach(f -> files.add(f.asText()));
    assertEquals(List.of("data/a.csv", "new.csv"), files);
    assertEquals("lithos reproduce --quick -o " + dir, rec.path("commandLine").asText());
    assertEquals("abc", rec.path("scenarioSha256").path("plan").asText());
  }
}
