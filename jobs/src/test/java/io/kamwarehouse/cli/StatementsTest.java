package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Cutting SQL text into statements for {@code kamw sql -f}, standard input and the shell. */
class StatementsTest {

    @Test
    void semicolonsEndStatementsOutsideStringsAndComments() {
        final String sql = """
                -- the teams
                select 'a;b' as s, "c;d" as t, `e;f` from x;
                /* a block; with a semicolon */
                select 'it\\'s; fine'
                  from y  -- trailing; comment
                ;

                select 3""";
        final List<Statements.Statement> st = Statements.split(sql);
        assertEquals(List.of("select 'a;b' as s, \"c;d\" as t, `e;f` from x", "select 'it\\'s; fine'\n"
                + "  from y  -- trailing; comment", "select 3"), st.stream().map(Statements.Statement::text).toList());
        assertEquals(List.of(2, 4, 8), st.stream().map(Statements.Statement::line).toList(), "the line each starts on, comments before it left out");
    }

    @Test
    void onlyCommentsAndSpacesAreNoStatement() {
        assertEquals(List.of(), Statements.split("  -- nothing here;\n/* nor; here */ ;\n ; "));
        assertTrue(Statements.blank("-- a comment\n  /* another */"));
        assertFalse(Statements.blank("-- a comment\nselect 1"));
    }

    @Test
    void aStatementIsCompleteWhenASemicolonEndsIt() {
        assertFalse(Statements.complete("select 1"));
        assertFalse(Statements.complete("select ';"), "inside a string");
        assertFalse(Statements.complete("select 1 /* ; */"), "inside a comment");
        assertFalse(Statements.complete("select 1; select 2"), "the second is not ended yet");
        assertTrue(Statements.complete("select 1\nfrom x;"));
        assertTrue(Statements.complete("select 1;  -- done"));
    }
}
