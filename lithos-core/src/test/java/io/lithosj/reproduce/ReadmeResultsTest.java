package io.lithosj.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's results section is the committed headline table, not numbers typed in by hand. */
class ReadmeResultsTest {
  private static Path repo(String name) {
    Path p = Path.of(name);
    return Files.exists(p) ? p : Path.of("..", name);
  }

  @Test
  void readmeShowsTheCommittedHeadlineTable() throws Exception {
    String readme = Files.readString(repo("README.md"));
    String start = "<!-- headline:start -->\n";
    String end = "<!-- headline:end -->";
    String block = readme.substring(readme.indexOf(start) + start.length(), readme.indexOf(end));
    assertEquals(Files.readString(repo("figures/headline.md")), block,
        "README.md's results block must equal figures/headline.md (copy it after ./lithos reproduce)");
  }
}
