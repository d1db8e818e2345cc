package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong benchmark arguments get one clear line and exit 2, before anything is generated or Spark starts. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private String refused(final String... args) {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Main.execute(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        return text;
    }

    @Test
    void badArgumentsAreRefusedWithTheFix() throws Exception {
        final String work = dir.resolve("w").toString();
        assertTrue(refused("-q", "bench", "--scale", "0", "--work", work).contains("--scale must be a number >= 0.01"));
        assertTrue(refused("-q", "bench", "--threads", "0", "--work", work).contains("--threads must be at least 1"));
        assertTrue(refused("-q", "bench", "--days", "0", "--work", work).contains("--days must be at least 1"));
        assertTrue(refused("-q", "--warehouse", work, "bench").contains("--warehouse and --landing do not apply"));
        assertTrue(refused("-q", "--master", "spark://h:7077", "bench", "--work", work).contains("--master does not apply"));
        assertTrue(refused("-q", "bench", "--scale", "lots").contains("'lots'"));
        // The DAG whose tasks are timed must be one of dags/dags.yaml, and the day must be run.
        final String schemas = io.kamwarehouse.testing.SharedSpark.schemasDir().toString();
        final String dags = io.kamwarehouse.testing.SharedSpark.schemasDir().getParent().resolve("dags").toString();
        final String noDag = refused("-q", "--schemas", schemas, "bench", "--dag-tasks", "kamw_weekly", "--dags", dags, "--work", work);
        assertTrue(noDag.contains("--dag-tasks kamw_weekly: no such DAG") && noDag.contains("kamw_daily"), noDag);
        assertTrue(refused("-q", "--schemas", schemas, "bench", "--dag-tasks", "kamw_daily", "--dags", dags, "--no-increment",
                "--work", work).contains("does not go with --no-increment"));
        // A DAG folder without dags.yaml is refused before anything runs.
        assertTrue(refused("-q", "bench", "--dag-tasks", "kamw_daily", "--dags", dir.toString(), "--work", work)
                .contains("dags.yaml is missing"));

        final Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "not a benchmark's");
        assertTrue(refused("-q", "bench", "--work", mine.toString(), "--out", dir.resolve("out").toString())
                .contains("was not made by kamw bench"));
        assertTrue(Files.exists(mine.resolve("notes.txt")), "nothing of the user's is deleted");
        assertFalse(Files.exists(dir.resolve("out")), "no report for a run that never started");

        // The baselines alone need the extracts an earlier run generated.
        final Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(refused("-q", "bench", "--baselines-only", "--work", empty.toString(), "--out", dir.resolve("out").toString())
                .contains("holds no extracts of an earlier kamw bench run"));
        assertFalse(Files.exists(dir.resolve("out")), "no report for a run that never started");
    }
}
