package io.lithosj.experiment;

import io.lithosj.backend.AtomResult;
import io.lithosj.kernel.Atom;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every finished atom of one run with its timing, on either backend ({@code lithos run --atom-log}):
 * what sets a modeled run beside a real one kernel by kernel. {@code seenMs} is when the OS learned
 * of the completion (after {@code endMs} by the host path's delay on the real GPU).
 */
public final class AtomLog {
  /** One finished atom. Times in ms of the run's clock. */
  public record Entry(String tenant, long launchId, int seq, String kernel, long atomId, int blockLo, int blockHi,
                      int tpcs, int priority, double submitMs, double launchMs, double startMs, double endMs, double seenMs) {}

  private final List<String> tenantNames;
  private final List<Entry> entries = new ArrayList<>();

  AtomLog(List<String> tenantNames) { this.tenantNames = List.copyOf(tenantNames); }

  void add(AtomResult r, double seenMs) {
    Atom a = r.atom();
    entries.add(new Entry(tenantNames.get(a.tenant()), a.launch().id(), a.launch().seq(), a.kernel().name(), a.id(),
        a.blockLo(), a.blockHi(), a.tpcs().size(), a.priority(), a.launch().submitMs(), r.launchMs(), r.startMs(),
        r.endMs(), seenMs));
  }

  public List<Entry> entries() { return List.copyOf(entries); }

  public void writeCsv(Path file) {
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      try (BufferedWriter w = Files.newBufferedWriter(file)) {
        w.write("tenant,launchId,seq,kernel,atomId,blockLo,blockHi,tpcs,priority,submitMs,launchMs,startMs,endMs,seenMs\n");
        for (Entry e : entries) {
          w.write(String.format(Locale.ROOT, "%s,%d,%d,%s,%d,%d,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%.4f%n", e.tenant(), e.launchId(),
              e.seq(), e.kernel().replace(',', ';'), e.atomId(), e.blockLo(), e.blockHi(), e.tpcs(), e.priority(),
              e.submitMs(), e.launchMs(), e.startMs(), e.endMs(), e.seenMs()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
