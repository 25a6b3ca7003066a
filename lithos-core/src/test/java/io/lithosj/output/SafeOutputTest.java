package io.lithosj.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeOutputTest {
  @TempDir Path dir;

  @Test
  void ordinaryFieldsAreNotQuotedAndOddOnesRoundTrip() {
    assertEquals("a,b-1,1.00000e-05,,x y\n", Csv.row("a", "b-1", "1.00000e-05", "", "x y"));
    String[] odd = {"a,b", "say \"hi\"", "two\nlines", "cr\rlf", " lead", "#hash", ""};
    String line = Csv.row(odd);
    assertEquals("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rlf\", lead,#hash,\n", line);
    List<Csv.Record> back = Csv.parse(new StringReader("h1,h2,h3,h4,h5,h6,h7\n" + line + Csv.row(odd)));
    assertEquals(3, back.size());
    assertArrayEquals(odd, back.get(1).fields());
    assertArrayEquals(odd, back.get(2).fields());
    assertEquals(2, Csv.parse(new StringReader("h\nx\n")).get(1).line());
  }

  @Test
  void fileNamesKeepOnlyTheSafeCharacters() {
    assertEquals("stacking-demo_v1.2+x", SafeOutput.fileName("stacking-demo_v1.2+x"));
    assertEquals(".._.._x", SafeOutput.fileName("../../x"));
    assertEquals("_abs_x", SafeOutput.fileName("/abs/x"));
    assertEquals("a_b_c_d", SafeOutput.fileName("a b\\c\nd"));
    assertEquals("_", SafeOutput.fileName(""));
    assertEquals("_", SafeOutput.fileName("."));
    assertEquals("_.", SafeOutput.fileName(".."));
  }

  @Test
  void resultFilesStayInsideTheOutputFolder() {
    for (String name : List.of("../../x", "/abs/x", "..", ".", "a/../../b", "C:\\x", "")) {
      Path p = SafeOutput.resultFile(dir, name, "mps", ".csv");
      assertEquals(dir.toAbsolutePath().normalize(), p.toAbsolutePath().normalize().getParent(), name + " -> " + p);
    }
    assertThrows(IllegalArgumentException.class, () -> SafeOutput.inside(dir, "../x.csv"));
    assertThrows(IllegalArgumentException.class, () -> SafeOutput.inside(dir, ".."));
  }

  @Test
  void twoOwnersOfOneFileAreAnErrorNamingBoth() {
    Map<Path, String> owners = new HashMap<>();
    SafeOutput.checkDistinct(owners, SafeOutput.resultFile(dir, "a/b", "mps", ".csv"), "one.json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeOutput.checkDistinct(owners, SafeOutput.resultFile(dir, "a b", "mps", ".csv"), "two.json"));
    assertTrue(e.getMessage().contains("one.json") && e.getMessage().contains("two.json")
        && e.getMessage().contains("a_b-mps.csv"), e.getMessage());
  }

  @Test
  void aFileAsOutputFolderFailsNamingThePathAndTheReason() throws Exception {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeOutput.checkDir(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a folder"), e.getMessage());
    IllegalArgumentException below = assertThrows(IllegalArgumentException.class, () -> SafeOutput.checkDir(file.resolve("sub")));
    assertTrue(below.getMessage().contains(file.resolve("sub").toString()), below.getMessage());
    assertTrue(below.getMessage().contains("exists") || below.getMessage().contains("Not a directory"), below.getMessage());
    SafeOutput.checkDir(dir.resolve("new/deeper"));
    assertTrue(Files.isDirectory(dir.resolve("new/deeper")));
  }

  @Test
  void writesAreAtomicAndLeaveNoTemporaryFile() throws Exception {
    Path f = dir.resolve("out.csv");
    SafeOutput.write(f, "old\n");
    SafeOutput.write(f, "new\n");
    assertEquals("new\n", Files.readString(f));
    // A writer that fails half way leaves the old file whole and no temporary file behind.
    assertThrows(java.io.UncheckedIOException.class, () -> SafeOutput.write(f, w -> {
      w.write("half");
      throw new java.io.IOException("interrupted");
    }));
    assertEquals("new\n", Files.readString(f));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList());
    }
  }
}
