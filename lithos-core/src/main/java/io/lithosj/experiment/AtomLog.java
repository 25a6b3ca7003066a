package io.lithosj.experiment;

import io.lithosj.backend.AtomResult;
import io.lithosj.kernel.Atom;
import com.univocity.parsers.csv.CsvWriter;
import io.lithosj.output.Csv;
import io.lithosj.output.SafeOutput;
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

  /**
   * Writes the log as RFC 4180 CSV, atomically (a temporary file, then a rename). Commas in kernel names
   * become ';' as they always did, so logs written before quoting match kernel by kernel.
   */
  public void writeCsv(Path file) {
    SafeOutput.write(file, w -> {
      CsvWriter cw = Csv.writer(w);
      cw.writeRow((Object[]) HEADER);
      for (Entry e : entries) {
        cw.writeRow(e.tenant(), Long.toString(e.launchId()), Integer.toString(e.seq()), e.kernel().replace(',', ';'),
            Long.toString(e.atomId()), Integer.toString(e.blockLo()), Integer.toString(e.blockHi()), Integer.toString(e.tpcs()),
            Integer.toString(e.priority()), f4(e.submitMs()), f4(e.launchMs()), f4(e.startMs()), f4(e.endMs()), f4(e.seenMs()));
      }
      cw.flush();
    });
  }

  static final String[] HEADER = {"tenant", "launchId", "seq", "kernel", "atomId", "blockLo", "blockHi", "tpcs", "priority",
      "submitMs", "launchMs", "startMs", "endMs", "seenMs"};

  private static String f4(double v) { return String.format(Locale.ROOT, "%.4f", v); }
}
