package io.kamwarehouse.cli;

import io.kamwarehouse.cli.CliRun.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.jobs.AsOfDate;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;
import io.kamwarehouse.testing.SharedSpark;

/**
 * {@code --date D} of {@code run} and {@code pipeline} is the run's as-of date: bronze loads the
 * pending drops up to D+1, and every build takes D as its as-of date.
 */
class RunDateTest {

    @TempDir
    Path dir;


    private Result kamw(final String... args) {
        return CliRun.kamw(dir, args);
    }

    /** Drops of crm.teams on 1, 2 and 3 October, each with its own updated_at (so each is a new file). */
    private void threeTeamDrops() throws IOException {
        final String teams = Files.readString(Paths.get("src/test/resources/landing/crm/2026-10-01/teams_20261001.csv"),
                StandardCharsets.UTF_8);
        for (final String day : List.of("01", "02", "03")) {
            final Path folder = Files.createDirectories(dir.resolve("landing/crm/2026-10-" + day));
            Files.writeString(folder.resolve("teams_202610" + day + ".csv"),
                    teams.replace("2026-09-30 10:00:00", "2026-10-" + day + " 01:00:00"), StandardCharsets.UTF_8);
        }
    }

    private String dropsInBronze() {
        final Result r = kamw("sql", "select cast(_drop_date as string) as drop_date, count(*) as n_rows from raw_crm__teams "
                + "group by 1 order by 1", "--csv");
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    @Test
    void aBronzeRunForADayLoadsTheDropsUpToTheNextDayAndNoLaterOne() throws IOException {
        threeTeamDrops();
        final Result first = kamw("run", "raw_crm__teams", "--date", "2026-10-01");
        assertEquals(0, first.code(), first.out() + first.err());
        // 1 October's data is in the drop of 2 October; the drop of 3 October waits for its own day.
        assertEquals("drop_date,n_rows\n2026-10-01,2\n2026-10-02,2\n", dropsInBronze());
        assertFalse(SharedSpark.spark().conf().contains(AsOfDate.CONF), "the session the run used is left without its date");

        final Result next = kamw("run", "raw_crm__teams", "--date", "2026-10-02");
        assertEquals(0, next.code(), next.out() + next.err());
        assertEquals("drop_date,n_rows\n2026-10-01,2\n2026-10-02,2\n2026-10-03,2\n", dropsInBronze());

        // The latest drop ingested is 3 October, so without a date a build is as of 2 October; with
        // --date 2026-10-01 the session the command starts says 1 October, and that is what a build uses.
        final WarehouseConfig plain = SharedSpark.config(dir);
        final SparkSession withoutDate = SharedSpark.spark().newSession();
        assertEquals(LocalDate.of(2026, 10, 2), AsOfDate.of(new Warehouse(withoutDate, plain)));
        final SparkSession withDate = SharedSpark.spark().newSession();
        // the settings the command adds to its session's (the test session's own are already in it)
        Main.withAsOfDate(Map.of(), LocalDate.of(2026, 10, 1)).forEach(withDate.conf()::set);
        assertEquals(LocalDate.of(2026, 10, 1), AsOfDate.of(new Warehouse(withDate, plain)));
    }

    @Test
    void theDateBecomesTheAsOfDateSettingAndAnotherDateGivenIsRefused() {
        final LocalDate oct1 = LocalDate.of(2026, 10, 1);
        final Map<String, String> conf = Main.withAsOfDate(Map.of("spark.sql.shuffle.partitions", "2"), oct1);
        assertEquals(Map.of("spark.sql.shuffle.partitions", "2", AsOfDate.CONF, "2026-10-01"), conf);
        // the same date given both ways is one date
        assertEquals("2026-10-01", Main.withAsOfDate(Map.of(AsOfDate.CONF, "2026-10-01"), oct1).get(AsOfDate.CONF));
        assertEquals("2026-10-01", Main.withAsOfDate(Map.of(AsOfDate.VAR_CONF, " 2026-10-01 "), oct1).get(AsOfDate.CONF));
        final KamwException two = assertThrows(KamwException.class,
                () -> Main.withAsOfDate(Map.of(AsOfDate.CONF, "2026-09-30"), oct1));
        assertEquals("--date 2026-10-01 and --conf kamw.asOfDate=2026-09-30 give two as-of dates; give one "
                + "(--date sets kamw.asOfDate)", two.getMessage());
        assertEquals(KamwException.EXIT_INPUT, two.exitCode());
        assertThrows(KamwException.class, () -> Main.withAsOfDate(Map.of(AsOfDate.VAR_CONF, "2026-09-30"), oct1));
    }

    @Test
    void theDryRunsSayTheAsOfDate() {
        final Result gold = kamw("run", "fct_opportunity", "--date", "2026-10-01", "--dry-run");
        assertEquals(0, gold.code(), gold.err());
        assertTrue(gold.out().trim().startsWith("run fct_opportunity: sql job from "), gold.out());
        assertTrue(gold.out().trim().endsWith(" as of 2026-10-01"), gold.out());
        final Result pipeline = kamw("pipeline", "--date", "2026-10-01", "--dry-run");
        assertEquals(0, pipeline.code(), pipeline.err());
        assertEquals("as of 2026-10-01: ingest the pending drops up to 2026-10-02, build with the data known by the end of 2026-10-01",
                pipeline.out().lines().findFirst().orElseThrow());
        final Result noDate = kamw("pipeline", "--dry-run");
        assertFalse(noDate.out().contains("as of"), noDate.out());
    }
}
