package io.kamwarehouse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Which drop folders a landing scan takes: all of them, exactly one ({@code ingest --date}), or
 * every drop up to the one that holds an as-of date's data ({@code run} / {@code pipeline --date}).
 * Three drops of crm.teams, on 1, 2 and 3 October; no Spark needed.
 */
class LandingDropsTest {

    private static final LocalDate OCT_1 = LocalDate.of(2026, 10, 1);
    private static final LocalDate OCT_2 = LocalDate.of(2026, 10, 2);
    private static final LocalDate OCT_3 = LocalDate.of(2026, 10, 3);

    @TempDir
    Path dir;

    private Landing landing;

    @BeforeEach
    void threeDrops() throws IOException {
        final Path teams = Paths.get("src/test/resources/landing/crm/2026-10-01/teams_20261001.csv");
        for (final LocalDate drop : List.of(OCT_1, OCT_2, OCT_3)) {
            final Path folder = Files.createDirectories(dir.resolve("landing/crm/" + drop));
            Files.copy(teams, folder.resolve("teams_" + drop.toString().replace("-", "") + ".csv"));
            Files.writeString(folder.resolve("_manifest.json"), "{}"); // ignored, as every _ file
        }
        final ContractCatalog contracts = ContractCatalog.load(SchemaFiles.load(SharedSpark.schemasDir().toString()));
        landing = new Landing(new Configuration(), "file:" + dir.resolve("landing").toAbsolutePath(), contracts);
    }

    private List<LocalDate> dropsScanned(final Landing.Drops drops) {
        final Landing.Scan scan = landing.scan(Optional.of("crm.teams"), drops);
        assertTrue(scan.unrecognised().isEmpty(), scan.unrecognised().toString());
        scan.batches().forEach(b -> {
            assertEquals("crm.teams", b.contract().qualifiedName());
            assertEquals(1, b.files().size(), b.files().toString());
            assertEquals(b.dropDate(), b.files().get(0).dropDate());
            assertEquals("teams_" + b.dropDate().toString().replace("-", "") + ".csv", b.files().get(0).name(),
                    "the batch of a drop holds that drop's file");
        });
        return scan.batches().stream().map(Landing.Batch::dropDate).toList();
    }

    @Test
    void asOfADayTakesTheDropsUpToTheNextDayAndNoLaterOne() {
        // The drop of 2 October holds 1 October's data; the drop of 3 October waits for its own day.
        assertEquals(List.of(OCT_1, OCT_2), dropsScanned(Landing.Drops.asOf(OCT_1)));
        assertEquals(List.of(OCT_1, OCT_2), dropsScanned(Landing.Drops.upTo(OCT_2)));
        assertEquals(List.of(OCT_1, OCT_2, OCT_3), dropsScanned(Landing.Drops.asOf(OCT_2)));
        assertEquals(List.of(), dropsScanned(Landing.Drops.asOf(LocalDate.of(2026, 9, 29))), "every drop is later");
    }

    @Test
    void exactlyOneDropAndAllDropsKeepTheirMeaning() {
        assertEquals(List.of(OCT_2), dropsScanned(Landing.Drops.exactly(OCT_2)));
        assertEquals(List.of(OCT_1, OCT_2, OCT_3), dropsScanned(Landing.Drops.ALL));
        // The scan of an optional date (ingest --date) is the same as exactly that drop, or all.
        assertEquals(List.of(OCT_3), landing.scan(Optional.of("crm.teams"), Optional.of(OCT_3)).batches().stream()
                .map(Landing.Batch::dropDate).toList());
        assertEquals(3, landing.scan(Optional.of("crm"), Optional.empty()).batches().size());
    }

    @Test
    void aSelectionSaysWhichDropsItTakes() {
        assertTrue(Landing.Drops.asOf(OCT_1).takes(OCT_2));
        assertFalse(Landing.Drops.asOf(OCT_1).takes(OCT_3));
        assertFalse(Landing.Drops.exactly(OCT_2).takes(OCT_1));
        assertEquals(" up to 2026-10-02", Landing.Drops.asOf(OCT_1).describe());
        assertEquals(" for 2026-10-02", Landing.Drops.exactly(OCT_2).describe());
        assertEquals("", Landing.Drops.ALL.describe());
    }
}
