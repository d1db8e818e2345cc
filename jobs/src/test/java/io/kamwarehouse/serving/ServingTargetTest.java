package io.kamwarehouse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.KamwException;

/** A password given inside a JDBC URL is never printed: not in progress lines, not in errors. */
class ServingTargetTest {

    @Test
    void aPasswordInTheUrlIsHiddenWhereverTheUrlIsShown() {
        final ServingTarget t = new ServingTarget("jdbc:postgresql://db.example:5432/kamw?user=loader&password=s3cr%3At&ssl=true",
                "loader", null, false);
        assertEquals("jdbc:postgresql://db.example:5432/kamw?user=loader&password=***&ssl=true", t.shown());
        assertEquals("jdbc:postgresql://h:1/d?PASSWORD=***", ServingTarget.redacted("jdbc:postgresql://h:1/d?PASSWORD=x"));
        final KamwException e = assertThrows(KamwException.class,
                () -> new ServingTarget("jdbc:mysql://h/d?password=s3cret", "u", null, false));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().contains("password=***"), e.getMessage());
    }
}
