package io.lithosj.jupyter.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.OutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeAssistTest {
    private CellEvaluator ev;
    private CodeAssist assist;

    @BeforeAll
    void start() throws CellFailure {
        ev = new CellEvaluator(new PrintStream(OutputStream.nullOutputStream()));
        assist = new CodeAssist(ev);
        ev.run("In[1]", new Cell.Code("String greeting = \"hello\";", 0, 1));
    }

    @AfterAll
    void stop() {
        ev.close();
    }

    @Test
    void completesInsideTheSnippetThatHoldsTheCursor() {
        String cell = "int a = 1;\n%classpath .\nString t = greeting.toUpp";
        CodeAssist.Completion c = assist.complete(cell, cell.length());
        assertTrue(c.matches().contains("toUpperCase("), c.matches().toString());
        assertEquals(cell.indexOf("toUpp"), c.start());
        assertEquals(cell.length(), c.end());
    }

    @Test
    void completesInTheBodyOfACellMagic() {
        String cell = "%%time\nint a = 1;\ngreeting.toUpp";
        CodeAssist.Completion c = assist.complete(cell, cell.length());
        assertTrue(c.matches().contains("toUpperCase("), c.matches().toString());
        assertEquals(cell.indexOf("toUpp"), c.start());
        assertEquals("    ", assist.isComplete("%%time\nfor (int i = 0; i < 3; i++) {"));
    }

    @Test
    void positionsAreCodePoints() {
        String cell = "String s = \"\uD83D\uDE80\"; greeting.len"; // a rocket: 2 UTF-16 units, 1 code point
        int cursor = cell.codePointCount(0, cell.length());
        CodeAssist.Completion c = assist.complete(cell, cursor);
        assertTrue(c.matches().contains("length()"), c.matches().toString());
        assertEquals(cursor - 3, c.start());
    }

    @Test
    void inspectShowsSignaturesOnTheNameOrInTheArgumentsAndVariablesByValue() {
        String cell = "greeting.substring(1)";
        String onName = assist.inspect(cell, cell.indexOf("substring") + 3, false).orElseThrow();
        assertTrue(onName.contains("String String.substring(int beginIndex)"), onName);
        assertEquals(onName, assist.inspect(cell, cell.indexOf('(') + 1, false).orElseThrow());
        assertEquals("String greeting = \"hello\"", assist.inspect("greeting.length()", 3, false).orElseThrow());
    }

    @Test
    void isCompleteAsksForMoreInsideABlock() {
        assertEquals("    ", assist.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("complete", assist.isComplete("int x = 3;\nx + 1"));
        assertEquals("complete", assist.isComplete("%jars lib"));
    }
}
