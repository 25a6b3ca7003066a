package io.lithosj.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a Markdown file. A block is skipped by the doc test only when the line
 * before its fence says why: {@code <!-- doc-test: skip: needs an NVIDIA GPU -->}.
 */
record DocBlocks(Path file, List<DocBlocks.Block> blocks) {
  /** One block: its language label, first line of code (1-based), text, and skip reason (null = run it). */
  record Block(Path file, int line, String lang, String text, String skipReason) {
    String where() { return file + ":" + line; }
  }

  private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*([A-Za-z]*)\\s*$");
  private static final Pattern SKIP = Pattern.compile("^\\s*<!--\\s*doc-test:\\s*skip:\\s*(.*?)\\s*-->\\s*$");

  static DocBlocks read(Path root, String relative) throws IOException {
    List<String> lines = Files.readAllLines(root.resolve(relative));
    List<Block> out = new ArrayList<>();
    String lang = null;
    String skip = null;
    int start = 0;
    StringBuilder text = new StringBuilder();
    String previous = "";
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      Matcher f = FENCE.matcher(l);
      if (lang == null && f.matches()) {
        lang = f.group(1);
        Matcher s = SKIP.matcher(previous);
        skip = s.matches() ? s.group(1) : null;
        start = i + 2;
        text.setLength(0);
      } else if (lang != null && l.strip().equals("```")) {
        out.add(new Block(Path.of(relative), start, lang, text.toString(), skip));
        lang = null;
      } else if (lang != null) {
        text.append(l).append('\n');
      }
      if (!l.isBlank()) previous = l;
    }
    if (lang != null) throw new IllegalStateException(relative + ":" + (start - 1) + ": code block never closed");
    return new DocBlocks(Path.of(relative), out);
  }
}
