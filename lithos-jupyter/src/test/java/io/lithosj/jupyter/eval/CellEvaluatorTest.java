package io.lithosj.jupyter.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CellEvaluatorTest {
    private final ByteArrayOutputStream notes = new ByteArrayOutputStream();
    private CellEvaluator ev;

    @BeforeAll
    void start() {
        ev = new CellEvaluator(new PrintStream(notes, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() {
        ev.close();
    }

    private CellEvaluator.Value run(String label, String code) throws CellFailure {
        CellEvaluator.Value last = new CellEvaluator.Value(false, null);
        for (Cell.Part p : Cell.parse(label, code).parts()) {
            if (p instanceof Cell.Code c) last = ev.run(label, c);
        }
        return last;
    }

    @Test
    void compileErrorLineCountsBlankLinesCommentsAndMagics() {
        String cell = "%classpath .\n\n/* setup */\nint base = 2;\n  // next one is wrong\n  int bad = base *\n      undefinedThing;";
        CellFailure f = assertThrows(CellFailure.class, () -> run("In[1]", cell));
        assertEquals("CompilationError", f.ename());
        assertEquals("line 7: cannot find symbol", f.evalue());
        assertEquals("Cell In[1], line 7: error: cannot find symbol\n  symbol:   variable undefinedThing", f.traceback().get(0));
        assertEquals("          undefinedThing;", f.traceback().get(1));
        assertEquals("          ^-------------", f.traceback().get(2)); // spans the 14 characters of the name
    }

    @Test
    void framesPointAtTheCellsThatDeclaredTheCode() throws Exception {
        run("In[2]", "// helpers\n\nint half(int n) {\n  if (n == 0) throw new IllegalArgumentException(\"n is 0\");\n  return n / 2;\n}");
        CellFailure f = assertThrows(CellFailure.class, () -> run("In[3]", "int y = 1;\nhalf(y - 1);"));
        assertEquals("java.lang.IllegalArgumentException", f.ename());
        assertEquals("n is 0", f.evalue());
        assertEquals("java.lang.IllegalArgumentException: n is 0", f.traceback().get(0));
        assertEquals("    at half (Cell In[2], line 4)", f.traceback().get(1));
        assertEquals("        if (n == 0) throw new IllegalArgumentException(\"n is 0\");", f.traceback().get(2));
        assertEquals("    at Cell In[3], line 2", f.traceback().get(3));
        assertEquals("        half(y - 1);", f.traceback().get(4));
        assertEquals(5, f.traceback().size(), () -> String.join("\n", f.traceback()));
    }

    @Test
    void causesAreChainedLikeJavaAndNullMessagesAreEmpty() {
        CellFailure f = assertThrows(CellFailure.class, () -> run("In[4]",
                "throw new RuntimeException(\"outer\", new IllegalStateException(\"inner\"));"));
        String tb = String.join("\n", f.traceback());
        assertTrue(tb.contains("Caused by: java.lang.IllegalStateException: inner"), tb);
        CellFailure g = assertThrows(CellFailure.class, () -> run("In[5]", "Object o = null;\no.hashCode();"));
        assertEquals("java.lang.NullPointerException", g.ename());
        CellFailure h = assertThrows(CellFailure.class, () -> run("In[6]", "throw new UnsupportedOperationException();"));
        assertEquals("", h.evalue());
    }

    @Test
    void valueOfTheLastExpressionIsTheObjectItself() throws Exception {
        CellEvaluator.Value v = run("In[7]", "var names = new java.util.ArrayList<String>();\nnames.add(\"lithos\");\nnames");
        assertTrue(v.present());
        assertInstanceOf(ArrayList.class, v.object());
        assertEquals(java.util.List.of("lithos"), v.object());
        assertEquals(42, run("In[8]", "6 * 7").object());
        CellEvaluator.Value nul = run("In[9]", "String s = null;\ns");
        assertTrue(nul.present());
        assertNull(nul.object());
        assertFalse(run("In[10]", "int declared = 3;").present(), "a declaration shows nothing");
        assertFalse(run("In[11]", "names.clear();").present(), "a void call shows nothing");
    }

    @Test
    void stopInterruptsABusyLoopAndTheNextCellRuns() throws Exception {
        Thread stopper = new Thread(() -> {
            try {
                while (!ev.isRunning()) Thread.sleep(10);
                Thread.sleep(300);
                ev.stop();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        CellFailure f = assertThrows(CellFailure.class, () -> run("In[13]", "long k = 0;\nwhile (true) { k++; }"));
        stopper.join();
        assertEquals("InterruptedException", f.ename());
        assertEquals(true, run("In[14]", "k > 0").object());
    }

    @Test
    void declarationsWaitingForASymbolAreNotedAndFailWhenUsed() throws Exception {
        notes.reset();
        run("In[15]", "int twice() { return 2 * later(); }");
        assertTrue(notes.toString(StandardCharsets.UTF_8).contains("method twice was declared but cannot be used until method later() is declared"),
                notes.toString(StandardCharsets.UTF_8));
        CellFailure f = assertThrows(CellFailure.class, () -> run("In[16]", "twice()"));
        assertEquals("UnresolvedReference", f.ename());
        assertTrue(f.evalue().contains("later()"), f.evalue());
        run("In[17]", "int later() { return 21; }");
        assertEquals(42, run("In[18]", "twice()").object());
    }
}
