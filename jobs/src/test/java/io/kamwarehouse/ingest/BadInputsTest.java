package io.kamwarehouse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;

/**
 * What a real drop brings, one class at a time, into a teams drop: each gets a message naming
 * the file and the problem, a refused file writes nothing, and the rows of a loaded one are all
 * accounted for (loaded + quarantined = read). Covered elsewhere: a missing required column, GBK
 * where UTF-8 is declared and a header-only file (BronzeIngestionTest), a truncated Parquet file
 * (BronzeIngestionTest), Latin-1 read as GBK (FileInspectorTest), a malformed JSON line (the
 * survey fixture's third line, quarantined), unknown, missing and renamed columns (CliTest).
 */
class BadInputsTest {

    private static final String HEADER = "team_id,team_name,parent_team_id,team_type,region,manager_employee_id,created_date,updated_at\n";
    private static final String ROW = "TM-001,East Region,,region,East,E100001,2017-01-03,2018-06-24 09:48:29\n";

    @TempDir
    Path dir;

    /** Ingests the crm drop of 2026-10-02 holding {@code name} with {@code bytes}, into a warehouse of its own. */
    private IngestResult ingest(final String warehouse, final String name, final byte[] bytes) throws Exception {
        final RunContext ctx = SharedSpark.context(dir.resolve(warehouse));
        final Path drop = Files.createDirectories(dir.resolve(warehouse).resolve("landing/crm/2026-10-02"));
        Files.write(drop.resolve(name), bytes);
        final Landing landing = new Landing(ctx.warehouse().hadoopConf(), ctx.warehouse().config().landingRoot(), ctx.contracts());
        final List<IngestResult> results = new IngestService(ctx).ingest(landing.scan(Optional.empty(), Optional.empty()));
        assertEquals(1, results.size(), results.toString());
        final IngestResult r = results.get(0);
        if (r.status() == RunStatus.SUCCEEDED) {
            assertEquals(r.rowsRead(), r.rowsLoaded() + r.rowsQuarantined(), "every row accounted for");
        } else if (r.status() == RunStatus.REJECTED) {
            assertFalse(ctx.warehouse().exists("raw_crm__teams"), "nothing written: " + r.message());
        }
        return r;
    }

    @Test
    void aZeroByteFileIsRecordedNotAnError() throws Exception {
        final IngestResult r = ingest("zero", "teams_20261002.csv", new byte[0]);
        assertEquals(RunStatus.SKIPPED, r.status());
        assertTrue(r.message().contains("empty file(s): teams_20261002.csv"), r.message());
    }

    @Test
    void aLineCutMidRecordIsQuarantinedAndTheRestLoads() throws Exception {
        final IngestResult r = ingest("cut", "teams_20261002.csv", (HEADER + ROW + "TM-002,East Key Acc").getBytes(StandardCharsets.UTF_8));
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        assertEquals(2, r.rowsRead());
        assertEquals(1, r.rowsLoaded());
        assertEquals(1, r.rowsQuarantined(), r.quarantinedByRule().toString());
    }

    @Test
    void utf16IsRefusedWithTheFix() throws Exception {
        final byte[] utf16 = (HEADER + ROW).getBytes(StandardCharsets.UTF_16);
        final IngestResult r = ingest("utf16", "teams_20261002.csv", utf16);
        assertEquals(RunStatus.REJECTED, r.status(), r.message());
        assertTrue(r.message().contains("teams_20261002.csv") && r.message().contains("re-export it as UTF-8"), r.message());
    }

    @Test
    void randomBytesUnderAKnownNameAreRefused() throws Exception {
        final byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        final IngestResult r = ingest("junk", "teams_20261002.csv", junk);
        assertEquals(RunStatus.REJECTED, r.status(), r.message());
        assertTrue(r.message().contains("teams_20261002.csv"), r.message());
    }

    @Test
    void theSameFileUnderAnotherNameIsNotLoadedTwice() throws Exception {
        final byte[] file = (HEADER + ROW).getBytes(StandardCharsets.UTF_8);
        assertEquals(RunStatus.SUCCEEDED, ingest("again", "teams_20261002.csv", file).status());
        final IngestResult again = ingest("again", "teams_20261002_copy.csv", file);
        assertEquals(RunStatus.SKIPPED, again.status(), again.message());
        assertTrue(again.message().startsWith("already ingested: ") && again.message().contains("teams_20261002_copy.csv"),
                again.message());
    }

    @Test
    void aMegabyteFieldLoads() throws Exception {
        final String big = "x".repeat(1 << 20);
        final IngestResult r = ingest("big", "teams_20261002.csv",
                (HEADER + "TM-001," + big + ",,region,East,E100001,2017-01-03,2018-06-24 09:48:29\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        assertEquals(1, r.rowsLoaded());
        assertEquals(1 << 20, SharedSpark.context(dir.resolve("big")).warehouse().read("raw_crm__teams")
                .selectExpr("length(team_name)").first().getInt(0));
    }
}
