package io.lithosj.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The importer streams: a 500 MB trace is read by a JVM whose heap is capped at 64 MiB. */
class LargeTraceTest {
  @Test
  void readsA500MbTraceWithA64MibHeap() throws IOException, InterruptedException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", cp,
        LargeTraceMain.class.getName(), Long.toString(500L << 20))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    assertEquals(0, rc, "child JVM failed:\n" + out);
    Matcher m = Pattern.compile("bytes=(\\d+) kernels=(\\d+) .*maxHeapMiB=(\\d+) ok=true").matcher(out);
    assertTrue(m.find(), out);
    long bytes = Long.parseLong(m.group(1));
    assertTrue(bytes >= 500L << 20, "trace was only " + bytes + " bytes");
    assertTrue(Long.parseLong(m.group(3)) <= 64, out);
    assertTrue(Long.parseLong(m.group(2)) >= 100_000, out);
  }
}
