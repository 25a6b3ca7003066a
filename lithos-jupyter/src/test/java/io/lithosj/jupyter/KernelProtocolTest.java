package io.lithosj.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import io.lithosj.jupyter.JupyterTestClient.Exchange;
import io.lithosj.jupyter.JupyterTestClient.Msg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Talks the Jupyter protocol to the kernel process, as a notebook front end would: one kernel for the
 * class, started from a connection file, shut down by the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelProtocolTest {
    private Path work;
    private JupyterTestClient kernel;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        kernel = new JupyterTestClient(work);
    }

    @AfterAll
    void stop() {
        if (kernel != null) kernel.close();
    }

    private static String text(JsonNode traceback) {
        return String.join("\n", StreamSupport.stream(traceback.spliterator(), false).map(JsonNode::asText).toList());
    }

    @Test @Order(1)
    void kernelInfoDescribesAJavaKernel() {
        Exchange ex = kernel.shellRequest("kernel_info_request", JupyterTestClient.JSON.createObjectNode());
        JsonNode c = ex.reply().content();
        assertEquals("kernel_info_reply", ex.reply().type());
        assertEquals("java", c.path("language_info").path("name").asText());
        assertEquals("5.3", c.path("protocol_version").asText());
    }

    @Test @Order(2)
    void startupImportsTheToolkitAndStreamsOutput() {
        Exchange ex = kernel.execute("System.out.println(GpuSpec.H100_SXM.tpcCount());\nSystem.err.print(\"to stderr\");");
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        assertEquals("66\n", ex.stream("stdout"));
        assertEquals("to stderr", ex.stream("stderr"));
    }

    @Test @Order(2)
    void printedTextArrivesWholeAndBeforeWhatIsDisplayedAfterIt() {
        Exchange ex = kernel.execute("""
                for (int i = 0; i < 3; i++) System.out.printf("%d:%s ", i, "x");
                display(markdown("**shown**"));
                System.out.println("after");
                System.out.printf("last%n")
                """);
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        List<String> order = new java.util.ArrayList<>();
        int streamMessages = 0;
        for (Msg m : ex.iopub()) {
            if (m.type().equals("stream")) {
                streamMessages++;
                String text = m.content().path("text").asText();
                int last = order.size() - 1;
                if (last >= 0 && !order.get(last).equals("display_data")) order.set(last, order.get(last) + text);
                else order.add(text);
            } else if (m.type().equals("display_data") || m.type().equals("execute_result")) {
                order.add(m.type());
            }
        }
        assertEquals(List.of("0:x 1:x 2:x ", "display_data", "after\nlast\n"), order,
                "text keeps its place around displays, and printf's PrintStream result is not shown");
        // unbatched, each of the ~20 small writes of these prints would be a message of its own
        assertTrue(streamMessages <= 4, "printed text is sent in batches, got " + streamMessages + " messages");
    }

    @Test @Order(3)
    void chartDisplaysAsPng() throws Exception {
        Exchange ex = kernel.execute("""
                var chart = new XYChartBuilder().width(320).height(240).title("latency CDF").build();
                chart.addSeries("hp", new double[]{1, 2, 4}, new double[]{0.5, 0.9, 1.0});
                display(chart);
                """);
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        List<Msg> shown = ex.ofType("display_data");
        assertEquals(1, shown.size(), () -> ex.iopub().toString());
        JsonNode data = shown.get(0).content().path("data");
        byte[] png = Base64.getDecoder().decode(data.path("image/png").asText());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(320, img.getWidth());
        assertEquals(240, img.getHeight());
        assertTrue(data.path("text/plain").asText().contains("latency CDF"));
    }

    @Test @Order(4)
    void chartAsSvgWhenAskedAndAsResultWhenLast() {
        Exchange svg = kernel.execute("display(chart, \"svg\")");
        JsonNode data = svg.ofType("display_data").get(0).content().path("data");
        assertTrue(data.path("image/svg+xml").asText().contains("<svg"), data::toString);
        assertTrue(data.path("image/png").isMissingNode(), "only the asked format is rendered");

        Exchange last = kernel.execute("chart");
        JsonNode result = last.ofType("execute_result").get(0).content().path("data");
        assertTrue(result.has("image/png"), result::toString);
    }

    @Test @Order(5)
    void tablesaWTableIsAnHtmlTable() {
        Exchange ex = kernel.execute("Table.create(\"runs\", StringColumn.create(\"policy\", \"MPS\", \"LithOS\"),\n"
                + "    DoubleColumn.create(\"p99Ms\", 41.5, 3.25))");
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        String html = ex.ofType("execute_result").get(0).content().path("data").path("text/html").asText();
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.contains("<th style=\"text-align:right\">p99Ms</th>"), html);
        assertTrue(html.contains(">LithOS</td>") && html.contains(">3.25</td>"), html);
    }

    @Test @Order(6)
    void compileErrorNamesTheCellLine() {
        Exchange ex = kernel.execute("int a = 1;\n\n// the next line is wrong\nint b = a + missingVar;");
        assertEquals("error", ex.status());
        JsonNode reply = ex.reply().content();
        assertEquals("CompilationError", reply.path("ename").asText());
        assertTrue(reply.path("evalue").asText().startsWith("line 4: cannot find symbol"), reply.toString());
        JsonNode published = ex.ofType("error").get(0).content();
        String tb = text(published.path("traceback"));
        assertTrue(tb.contains("line 4: error: cannot find symbol"), tb);
        assertTrue(tb.contains("int b = a + missingVar;") && tb.contains("^"), tb);
        assertFalse(tb.contains("location: class"), "JShell's wrapper class is not the user's: " + tb);
    }

    @Test @Order(7)
    void exceptionShowsMessageAndUserFramesOnly() {
        Exchange ex = kernel.execute("""
                int ratio(int a, int b) {
                  return a / b;
                }
                int x = 7;
                ratio(x, 0)
                """);
        assertEquals("error", ex.status());
        JsonNode reply = ex.reply().content();
        assertEquals("java.lang.ArithmeticException", reply.path("ename").asText());
        assertEquals("/ by zero", reply.path("evalue").asText());
        String tb = text(ex.ofType("error").get(0).content().path("traceback"));
        assertTrue(tb.contains("at ratio (Cell In[") && tb.contains("], line 2)"), tb);
        assertTrue(tb.contains("return a / b;"), tb);
        assertTrue(tb.contains("], line 5"), tb);
        for (String internal : List.of("jdk.jshell", "org.dflib", "io.lithosj.jupyter", "java.lang.reflect", "REPL.")) {
            assertFalse(tb.contains(internal), "kernel internals leak into the traceback (" + internal + "):\n" + tb);
        }
        // the toolkit's own frames are the user's business and stay
        Exchange lib = kernel.execute("TpcSet.range(0, 500)");
        String libTb = text(lib.ofType("error").get(0).content().path("traceback"));
        assertEquals("java.lang.IllegalArgumentException", lib.reply().content().path("ename").asText());
        assertTrue(libTb.contains("io.lithosj.gpu.TpcSet.range"), libTb);
    }

    @Test @Order(8)
    void interruptStopsARunawayCellAndTheKernelLivesOn() {
        assertEquals("ok", kernel.execute("long spins = 0;").status());
        String id = kernel.sendExecute("while (true) { spins++; }");
        Exchange ex = null;
        for (int attempt = 0; attempt < 10 && ex == null; attempt++) { // as a user would press Interrupt again
            Exchange intr = kernel.controlRequest("interrupt_request", JupyterTestClient.JSON.createObjectNode());
            assertEquals("interrupt_reply", intr.reply().type());
            ex = kernel.tryAwait(kernel.shell(), id, 2000);
        }
        assertTrue(ex != null, "the cell did not stop:\n" + kernel.kernelLog());
        assertEquals("error", ex.status());
        assertEquals("InterruptedException", ex.reply().content().path("ename").asText());
        Exchange after = kernel.execute("spins > 0");
        assertEquals("true", after.ofType("execute_result").get(0).content().path("data").path("text/plain").asText());
    }

    @Test @Order(9)
    void completeAndInspect() {
        Exchange c = kernel.shellRequest("complete_request",
                JupyterTestClient.JSON.createObjectNode().put("code", "int n = 1;\nGpuSpec.H1").put("cursor_pos", 21));
        JsonNode r = c.reply().content();
        assertTrue(r.path("matches").toString().contains("H100_SXM"), r.toString());
        assertEquals(19, r.path("cursor_start").asInt());
        assertEquals(21, r.path("cursor_end").asInt());

        Exchange i = kernel.shellRequest("inspect_request", JupyterTestClient.JSON.createObjectNode()
                .put("code", "\"abc\".substring(1)").put("cursor_pos", 12).put("detail_level", 0));
        assertTrue(i.reply().content().path("found").asBoolean());
        assertTrue(i.reply().content().path("data").path("text/plain").asText().contains("substring(int beginIndex)"));

        Exchange done = kernel.shellRequest("is_complete_request",
                JupyterTestClient.JSON.createObjectNode().put("code", "for (int i = 0; i < 3; i++) {"));
        assertEquals("incomplete", done.reply().content().path("status").asText());
    }

    @Test @Order(10)
    void jarsMagicAddsToTheClassPath() throws Exception {
        Path src = work.resolve("src/demo/Hello.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package demo; public class Hello { public static String greet() { return \"hello from a jar\"; } }");
        Path classes = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.toString()));
        Path jar = work.resolve("lib/hello.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("demo/Hello.class"));
            out.write(Files.readAllBytes(classes.resolve("demo/Hello.class")));
            out.closeEntry();
        }
        Exchange ex = kernel.execute("%jars lib/*.jar\ndemo.Hello.greet()");
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        assertEquals("hello from a jar", ex.ofType("execute_result").get(0).content().path("data").path("text/plain").asText());
    }

    @Test @Order(11)
    void aSweepShowsOneProgressDisplayUpdatedInPlace() {
        Path scenario = Path.of(System.getProperty("lithos.repo.root"), "datasets/scenarios/real/solo-demo-hp.json").toAbsolutePath();
        Exchange ex = kernel.execute("var base = ScenarioLoader.load(Path.of(\"" + scenario.toString().replace("\\", "/") + "\"))"
                + ".withDurationMs(300, 30);\n"
                + "var swept = Sweep.run(List.of(base.withPolicy(\"mps\"), base.withPolicy(\"priority\"), base.withPolicy(\"lithos\")),"
                + " 1, line -> {});\n"
                + "System.out.println(swept.size() + \" results\");");
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        List<Msg> shown = ex.ofType("display_data");
        assertEquals(1, shown.size(), () -> "one display for the whole sweep: " + ex.iopub());
        String id = shown.get(0).content().path("transient").path("display_id").asText();
        assertFalse(id.isEmpty(), () -> "the display has an id to update: " + shown.get(0).content());
        List<Msg> updates = ex.ofType("update_display_data");
        assertFalse(updates.isEmpty(), () -> "no update_display_data: " + ex.iopub());
        for (Msg u : updates) assertEquals(id, u.content().path("transient").path("display_id").asText());
        JsonNode last = updates.get(updates.size() - 1).content().path("data");
        assertTrue(last.path("text/plain").asText().matches("solo-demo-hp: 3 runs: 3/3 runs done in [0-9.]+ s"), last::toString);
        assertTrue(last.path("text/html").asText().contains("<progress value=\"1.0000\""), last::toString);
        String first = shown.get(0).content().path("data").path("text/plain").asText();
        assertTrue(first.matches("solo-demo-hp: 3 runs: [0-2]/3 runs, \\d+ %, .* elapsed, (about .* left|estimating time left)"), first);
        assertEquals("3 results\n", ex.stream("stdout"), "the progress display does not print");

        Exchange quiet = kernel.execute("1 + 1");
        assertTrue(quiet.ofType("display_data").isEmpty() && quiet.ofType("update_display_data").isEmpty(),
                () -> "a finished sweep shows nothing in later cells: " + quiet.iopub());
    }

    private static String out(Exchange ex) {
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        return ex.stream("stdout");
    }

    private static String resultText(Exchange ex) {
        return ex.ofType("execute_result").get(0).content().path("data").path("text/plain").asText();
    }

    @Test @Order(12)
    void lsmagicListsEveryMagicAndCommand() {
        String listed = out(kernel.execute("%lsmagic"));
        for (String m : List.of("%classpath", "%jars", "%maven", "%load", "%time", "%lsmagic", "%%time", "/vars", "/imports")) {
            assertTrue(listed.contains("  " + m), m + " missing from:\n" + listed);
        }
        Exchange typo = kernel.execute("%lsmagics");
        assertEquals("MagicError", typo.reply().content().path("ename").asText());
        assertTrue(typo.reply().content().path("evalue").asText().contains("unknown magic %lsmagics (%lsmagic lists them"),
                typo.reply()::toString);
    }

    @Test @Order(13)
    void loadRunsAScriptAndANotebooksCodeCells() throws Exception {
        Files.writeString(work.resolve("helpers.jsh"), "int twice(int x) { return 2 * x; }\n/vars\nString greeting = \"hi\";\n");
        Files.writeString(work.resolve("lib.ipynb"), """
                {"cells": [
                  {"cell_type": "markdown", "source": ["# not code"]},
                  {"cell_type": "code", "source": ["int base = 20;\\n", "int fromNotebook = twice(base) + 2;"]}
                ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """);
        Exchange ex = kernel.execute("%load helpers.jsh\n%load lib.ipynb\ngreeting + \" \" + fromNotebook");
        assertEquals("ok", ex.status(), () -> ex.iopub().toString());
        assertEquals("hi 42", resultText(ex));

        Exchange missing = kernel.execute("%load nowhere.jsh");
        String evalue = missing.reply().content().path("evalue").asText();
        assertEquals("Cell In[" + (missing.reply().content().path("execution_count").asInt()) + "], line 1: no file "
                + work.resolve("nowhere.jsh").toAbsolutePath() + " to load", evalue);
    }

    @Test @Order(14)
    void timeReportsWallAndCpuTimeAndKeepsTheCellsValue() {
        Exchange cell = kernel.execute("%%time\nlong t0 = System.nanoTime();\nwhile (System.nanoTime() - t0 < 200_000_000L) { }\n6 * 7");
        String printed = out(cell);
        assertTrue(printed.matches("(?s)CPU time: [0-9.]+ s \\(all threads of the kernel\\)\nWall time: 0\\.[2-9][0-9]{2} s\n"), printed);
        double cpuSec = Double.parseDouble(printed.replaceAll("(?s)CPU time: ([0-9.]+) s.*", "$1"));
        assertTrue(cpuSec >= 0.1, "the busy loop spent CPU time: " + printed);
        assertEquals("42", resultText(cell), "the timed code's value is the cell's result");

        Exchange line = kernel.execute("%time \"abc\".length()");
        assertTrue(out(line).contains("Wall time: "));
        assertEquals("3", resultText(line));

        Exchange failing = kernel.execute("\n%%time\nint ok = 1;\nint bad = missing;");
        assertEquals("CompilationError", failing.reply().content().path("ename").asText());
        assertTrue(failing.reply().content().path("evalue").asText().startsWith("line 4: cannot find symbol"),
                "errors in a %%time body keep the cell's line numbers: " + failing.reply().content());
    }

    @Test @Order(15)
    void classpathAloneListsTheClassPathWithWhatWasAdded() {
        String listed = out(kernel.execute("%classpath"));
        assertTrue(listed.startsWith("class path of the kernel ("), listed);
        assertTrue(listed.contains("lithos-core"), "the kernel's own class path shows the toolkit: " + listed);
        assertTrue(listed.contains("added in this session (1):\n  " + work.resolve("lib/hello.jar").toAbsolutePath()),
                "the jar %jars added earlier is listed: " + listed);
    }

    @Test @Order(16)
    void mavenResolvesFromTheLocalRepositoryWithDependencies() throws Exception {
        Path repo = work.resolve("m2");
        io.lithosj.jupyter.magic.LocalRepos.install(repo, "org.demo", "greeter", "1.0", "org.demo.Greeter", List.of("org.demo:words:2.1"));
        io.lithosj.jupyter.magic.LocalRepos.install(repo, "org.demo", "words", "2.1", "org.demo.Words", List.of());
        Exchange ex = kernel.execute("System.setProperty(\"maven.repo.local\", \"" + repo.toString().replace("\\", "/") + "\");\n"
                + "%maven org.demo:greeter:1.0\n"
                + "org.demo.Greeter.hello() + \", \" + org.demo.Words.hello()");
        String printed = out(ex);
        assertTrue(printed.contains("org.demo:greeter:1.0: 2 jars"), printed);
        assertEquals("hello from greeter, hello from words", resultText(ex));

        Exchange absent = kernel.execute("%maven org.demo:absent:9.9");
        assertEquals("MagicError", absent.reply().content().path("ename").asText());
        String why = absent.reply().content().path("evalue").asText();
        assertTrue(why.contains("cannot resolve org.demo:absent:9.9") && why.contains(repo.toString()), why);
        assertEquals(1, why.lines().count(), why);
    }

    @Test @Order(17)
    void varsAndImportsListTheSession() {
        assertEquals("ok", kernel.execute("double p99Ms = 3.25;\nimport java.time.Duration;").status());
        String vars = out(kernel.execute("/vars"));
        assertTrue(vars.contains("|    double p99Ms = 3.25\n"), vars);
        assertTrue(vars.contains("|    String greeting = \"hi\"\n"), "variables of a loaded script too: " + vars);
        assertFalse(vars.contains("$"), "the kernel's holders of cell values are not the user's variables: " + vars);
        String imports = out(kernel.execute("/imports"));
        assertTrue(imports.contains("|    import java.time.Duration;\n"), imports);
        assertTrue(imports.contains("|    import io.lithosj.experiment.*;\n"), "startup imports are listed: " + imports);
        assertTrue(imports.contains("|    import static io.lithosj.jupyter.Notebook.*;\n"), imports);
        assertTrue(out(kernel.execute("/methods")).contains("|    int twice(int)"));
        Exchange typo = kernel.execute("/var");
        assertTrue(typo.reply().content().path("evalue").asText().endsWith("unknown command /var (this kernel knows /vars, /imports, /methods, /types)"),
                typo.reply()::toString);
    }

    @Test @Order(100)
    void shutdownEndsTheProcess() throws Exception {
        Exchange ex = kernel.controlRequest("shutdown_request", JupyterTestClient.JSON.createObjectNode().put("restart", false));
        assertEquals("shutdown_reply", ex.reply().type());
        assertTrue(kernel.process().waitFor(10, TimeUnit.SECONDS), "kernel still running 10 s after shutdown");
        assertEquals(0, kernel.process().exitValue());
    }
}
