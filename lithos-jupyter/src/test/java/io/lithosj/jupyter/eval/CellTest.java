package io.lithosj.jupyter.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellTest {
    @Test
    void magicLinesSplitTheCodeAndKeepCellLines() {
        Cell c = Cell.parse("In[1]", "int a = 1;\n%jars lib/*.jar  more.jar\nint b = a;\n  %classpath x\n");
        List<Cell.Part> p = c.parts();
        assertEquals(4, p.size());
        assertEquals(new Cell.Code("int a = 1;\n", 0, 1), p.get(0));
        assertEquals(new Cell.Magic("jars", "lib/*.jar  more.jar", 2), p.get(1));
        Cell.Code b = (Cell.Code) p.get(2);
        assertEquals("int b = a;\n", b.text());
        assertEquals(3, b.firstLine());
        assertEquals(c.source().indexOf("int b"), b.offset());
        assertEquals(new Cell.Magic("classpath", "x", 4), p.get(3));
    }

    @Test
    void plainCodeIsOnePartAndEmptyCellsHaveNone() {
        assertEquals(List.of(new Cell.Code("1 + 2", 0, 1)), Cell.parse("x", "1 + 2").parts());
        assertTrue(Cell.parse("x", "").parts().isEmpty());
    }

    @Test
    void aContinuedExpressionStartingWithModuloIsCode() {
        assertEquals(1, Cell.parse("x", "int n = 4;\nint r = 7\n  %n;").parts().size());
        assertEquals(1, Cell.parse("x", "int r = 7\n  % 3;").parts().size());
        // after a finished statement (trailing comments aside) a %name line is a magic again
        assertEquals(3, Cell.parse("x", "int r = 7; /* seven */\n%jars a.jar\nr").parts().size());
        assertEquals(3, Cell.parse("x", "for (int i = 0; i < 2; i++) {\n}\n// add\n%classpath b\nr").parts().size());
    }

    @Test
    void aFirstLineOfPercentPercentMakesTheCellACellMagic() {
        Cell c = Cell.parse("x", "\n%%time  -v\nint a = 1;\n%jars b.jar\na");
        assertEquals(List.of(new Cell.CellMagic("time", "-v", "int a = 1;\n%jars b.jar\na", 2)), c.parts());
        assertEquals(List.of(new Cell.CellMagic("time", "", "", 1)), Cell.parse("x", "%%time").parts());
        // not on the first line: a %%name line is no magic of any kind (and fails to compile as code)
        assertEquals(1, Cell.parse("x", "int a = 1;\n%%time").parts().size());
        assertTrue(Cell.parse("x", "int a = 1;\n%%time").parts().get(0) instanceof Cell.Code);
    }

    @Test
    void slashCommandsAreLinesOfTheirOwnButCommentsAndDivisionsAreCode() {
        assertEquals(List.of(new Cell.Code("int a = 1;\n", 0, 1), new Cell.Command("vars", "", 2), new Cell.Command("imports", "", 3)),
                Cell.parse("x", "int a = 1;\n/vars\n/imports").parts());
        assertEquals(1, Cell.parse("x", "// vars\n/* imports */\nint a = 1;").parts().size());
        assertEquals(1, Cell.parse("x", "int n = 4;\nint r = 8\n  /n;").parts().size());
    }
}
