package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.ingest.IngestedFiles;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.testing.SharedSpark;
import io.kamwarehouse.spec.SqlText;

/** How a run's as-of date is decided: the date given, else the day before the latest drop ingested. */
class AsOfDateTest {

    private static final Supplier<Optional<LocalDate>> DROPPED_1_OCTOBER = () -> Optional.of(LocalDate.of(2026, 10, 1));
    private static final Supplier<Optional<LocalDate>> NOTHING_INGESTED = Optional::empty;

    private static LocalDate decide(final Map<String, String> conf, final Supplier<Optional<LocalDate>> latestDrop) {
        return AsOfDate.decide(conf, latestDrop, "file:/wh");
    }

    @Test
    void theDayBeforeTheLatestDropWhenNoDateIsGiven() {
        assertEquals(LocalDate.of(2026, 9, 30), decide(Map.of(), DROPPED_1_OCTOBER));
        assertEquals(LocalDate.of(2026, 2, 28), decide(Map.of(), () -> Optional.of(LocalDate.of(2026, 3, 1))));
    }

    @Test
    void aDateGivenWinsAndTheDropsAreNotRead() {
        final Supplier<Optional<LocalDate>> unread = () -> {
            throw new AssertionError("the drops are read only when no date is given");
        };
        assertEquals(LocalDate.of(2025, 6, 30), decide(Map.of(AsOfDate.CONF, "2025-06-30"), unread));
        // the var override every var has works for the as-of date too
        assertEquals(LocalDate.of(2025, 6, 30), decide(Map.of(SqlText.VAR_CONF_PREFIX + "as_of_date", "2025-06-30"), unread));
        assertEquals(LocalDate.of(2025, 6, 30), decide(Map.of(AsOfDate.CONF, " 2025-06-30 ",
                SqlText.VAR_CONF_PREFIX + "as_of_date", "2025-06-30"), unread));
        // a date given wins even when nothing has been ingested
        assertEquals(LocalDate.of(2025, 6, 30), decide(Map.of(AsOfDate.CONF, "2025-06-30"), NOTHING_INGESTED));
    }

    @Test
    void aBlankSettingCountsAsNotGiven() {
        assertEquals(LocalDate.of(2026, 9, 30), decide(Map.of(AsOfDate.CONF, " ", SqlText.VAR_CONF_PREFIX + "as_of_date", ""),
                DROPPED_1_OCTOBER));
    }

    @Test
    void nothingIngestedAndNoDateGivenIsAnErrorThatSaysWhatToDo() {
        final KamwException e = assertThrows(KamwException.class, () -> decide(Map.of(), NOTHING_INGESTED));
        assertTrue(e.getMessage().contains("nothing has been ingested into file:/wh"), e.getMessage());
        assertTrue(e.getMessage().contains("--conf kamw.asOfDate=YYYY-MM-DD"), e.getMessage());
        assertEquals(KamwException.EXIT_INPUT, e.exitCode());
    }

    @Test
    void aDateThatIsNotOneOrTwoDatesThatDisagreeAreRefused() {
        final KamwException bad = assertThrows(KamwException.class,
                () -> decide(Map.of(AsOfDate.CONF, "30/09/2026"), DROPPED_1_OCTOBER));
        assertEquals("kamw.asOfDate '30/09/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30", bad.getMessage());
        final KamwException two = assertThrows(KamwException.class, () -> decide(Map.of(AsOfDate.CONF, "2026-09-30",
                SqlText.VAR_CONF_PREFIX + "as_of_date", "2026-06-30"), DROPPED_1_OCTOBER));
        assertTrue(two.getMessage().startsWith("two as-of dates given"), two.getMessage());
    }

    private static Row file(final String entity, final String dropDate) {
        return RowFactory.create(entity, Date.valueOf(dropDate), "landing/" + entity + ".csv", 1L, 1L, "sum-" + entity + dropDate, "UTF-8",
                "batch-" + entity, 1L, 1L, 0L, Timestamp.valueOf(dropDate + " 06:00:00"), "run-1");
    }

    @Test
    void anExampleDataSetLoadedTodayDoesNotMoveTheProductsAsOfDate(@TempDir final Path dir) {
        final RunContext ctx = SharedSpark.context(dir);
        // the product's drops end on 1 October; the Maven CRM example is loaded with --path on 3 December
        ctx.warehouse().spark().createDataFrame(List.of(file("crm.accounts", "2026-09-30"), file("finance.invoices", "2026-10-01"),
                file("maven_crm.sales_pipeline", "2026-12-03")), IngestedFiles.SCHEMA).coalesce(1).write().format("delta")
                .save(ctx.warehouse().tablePath(IngestedFiles.TABLE));
        assertEquals(Optional.of(LocalDate.of(2026, 10, 1)), AsOfDate.latestDrop(ctx.warehouse()));
        assertEquals(LocalDate.of(2026, 9, 30), AsOfDate.of(ctx.warehouse()));
    }
}
