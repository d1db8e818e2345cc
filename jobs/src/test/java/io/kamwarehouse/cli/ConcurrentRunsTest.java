package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.testing.SharedSpark;

/**
 * Two pipelines started together on the same warehouse and the same day's drop (an Airflow retry
 * overlapping a manual run): the second waits for the first's lease, then finds nothing to do.
 * Both exit 0, and the warehouse equals one run's: no batch loaded twice, no duplicate in bronze
 * or silver.
 */
class ConcurrentRunsTest {

    @TempDir
    Path dir;

    /** The teams drop, the teams silver spec and two gold tables built from it. */
    private Path project(final Path root) throws Exception {
        final Path schemas = io.kamwarehouse.testing.TeamTables.write(root);
        for (final String failing : List.of("dim_team_typo", "dim_team_after_typo")) {
            try (var files = Files.walk(schemas.resolve("tables/gold/conformed/" + failing))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return schemas;
    }

    private static CompletableFuture<Integer> pipeline(final Path root, final Path schemas, final ByteArrayOutputStream err,
            final String... more) {
        final List<String> args = new ArrayList<>(List.of("--warehouse", root.resolve("warehouse").toString(),
                "--schemas", schemas.toString(), "--master", "local[2]", "--wait", "300"));
        args.addAll(List.of(more));
        args.add("pipeline");
        return CompletableFuture.supplyAsync(() -> Main.execute(args.toArray(new String[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
    }

    /** The next day's teams drop: one team renamed, one new. */
    private static void nextDay(final Path root) throws Exception {
        final Path drop = root.resolve("warehouse/landing/crm/2026-10-02");
        Files.createDirectories(drop);
        Files.writeString(drop.resolve("teams.csv"), """
                team_id,team_name,parent_team_id,team_type,region,manager_employee_id,created_date,updated_at
                TM-003,West Region (renamed),,region,West,E100003,2018-02-01,2026-10-01 10:00:00
                TM-004,South Region,,region,South,E100004,2026-09-01,2026-10-01 11:00:00
                TM-005,Bad Team,,weird_type,South,E100005,2026-09-01,2026-10-01 11:00:00
                """, StandardCharsets.UTF_8);
    }

    private static long count(final SparkSession spark, final Path wh, final String table, final String where) {
        return spark.read().format("delta").load(wh.resolve(table).toString()).where(where).count();
    }

    private static List<String> rows(final SparkSession spark, final Path warehouse, final String layerTable, final String order) {
        final List<String> out = new ArrayList<>();
        spark.read().format("delta").load(warehouse.resolve(layerTable).toString()).orderBy(order).collectAsList()
                .forEach(r -> out.add(r.mkString("|").replace(warehouse.toString(), "WAREHOUSE").replaceAll("\\|[0-9a-f]{20}\\|", "|BATCH|")
                        .replaceAll("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d+", "TS")));
        return out;
    }

    @Test
    void twoPipelinesStartedTogetherTakeTurnsAndLoadTheDayOnce() throws Exception {
        final SparkSession spark = SharedSpark.spark();
        final Path racing = dir.resolve("racing");
        final Path schemas = project(racing);
        final ByteArrayOutputStream errA = new ByteArrayOutputStream();
        final ByteArrayOutputStream errB = new ByteArrayOutputStream();
        final CompletableFuture<Integer> a = pipeline(racing, schemas, errA);
        final CompletableFuture<Integer> b = pipeline(racing, schemas, errB);
        assertEquals(0, a.get(300, TimeUnit.SECONDS), errA.toString(StandardCharsets.UTF_8));
        assertEquals(0, b.get(300, TimeUnit.SECONDS), errB.toString(StandardCharsets.UTF_8));
        final Path wh = racing.resolve("warehouse");
        // they took turns: the two runs' steps in the run log do not overlap in time
        final List<org.apache.spark.sql.Row> runs = spark.read().format("delta").load(wh.resolve("meta/run_log").toString())
                .groupBy("pipeline_run_id").agg(org.apache.spark.sql.functions.min("started_at").as("s"),
                        org.apache.spark.sql.functions.max("ended_at").as("e")).orderBy("s").collectAsList();
        assertEquals(2, runs.size(), runs.toString());
        assertTrue(!runs.get(1).getTimestamp(1).before(runs.get(0).getTimestamp(2)), "one after the other: " + runs);

        assertEquals(1L, spark.read().format("delta").load(wh.resolve("meta/run_log").toString())
                .where("job = 'ingest crm.teams' and status = 'succeeded'").count(), "the drop was loaded once");
        assertEquals(1L, spark.read().format("delta").load(wh.resolve("meta/ingested_files").toString()).count());

        final Path single = dir.resolve("single");
        final Path singleSchemas = project(single);
        assertEquals(0, pipeline(single, singleSchemas, new ByteArrayOutputStream()).get(300, TimeUnit.SECONDS));
        for (final String t : List.of("bronze/raw_crm__teams", "silver/stg_crm__teams", "gold/dim_team_names", "gold/dim_team_labels")) {
            final List<String> raced = rows(spark, wh, t, "team_id");
            assertEquals(3, raced.size(), t + ": no duplicate " + raced);
            assertEquals(rows(spark, single.resolve("warehouse"), t, "team_id"), raced, t);
        }
    }

    /**
     * Without the lease nothing keeps two writers apart, and each write must be safe to race: two
     * pipelines started together, on an empty warehouse and then on the next day's drop, both end
     * well and leave the warehouse equal to one run of each day: every batch once in bronze,
     * every quarantined row once, every file recorded once, no key twice in silver or gold.
     */
    @Test
    void withoutTheLeaseTwoRacingPipelinesLeaveTheWarehouseAsOneRun() throws Exception {
        final SparkSession spark = SharedSpark.spark();
        final Path racing = dir.resolve("racing-unleased");
        final Path schemas = project(racing);
        final Path single = dir.resolve("single-unleased");
        final Path singleSchemas = project(single);
        for (final Path root : List.of(racing, single)) {
            Files.writeString(root.resolve("warehouse/landing/crm/2026-10-01/teams.csv"), io.kamwarehouse.testing.TeamTables.TEAMS
                    + "TM-009,Lost Team,,weird_type,North,E100004,2019-01-01,2019-01-01 00:00:00\n", StandardCharsets.UTF_8);
        }
        final Path wh = racing.resolve("warehouse");
        final List<String> tables = List.of("bronze/raw_crm__teams", "meta/quarantine", "silver/stg_crm__teams",
                "gold/dim_team_names", "gold/dim_team_regions", "gold/dim_team_labels");
        for (int day = 1; day <= 2; day++) {
            if (day == 2) {
                nextDay(racing);
                nextDay(single);
            }
            final ByteArrayOutputStream errA = new ByteArrayOutputStream();
            final ByteArrayOutputStream errB = new ByteArrayOutputStream();
            final CompletableFuture<Integer> a = pipeline(racing, schemas, errA, "--conf", "kamw.lease.enabled=false");
            final CompletableFuture<Integer> b = pipeline(racing, schemas, errB, "--conf", "kamw.lease.enabled=false");
            assertEquals(0, a.get(300, TimeUnit.SECONDS), "day " + day + ": " + errA.toString(StandardCharsets.UTF_8));
            assertEquals(0, b.get(300, TimeUnit.SECONDS), "day " + day + ": " + errB.toString(StandardCharsets.UTF_8));
            assertEquals(0, pipeline(single, singleSchemas, new ByteArrayOutputStream()).get(300, TimeUnit.SECONDS));
            for (final String t : tables) {
                final String order = t.equals("meta/quarantine") ? "raw_record" : "team_id";
                assertEquals(rows(spark, single.resolve("warehouse"), t, order), rows(spark, wh, t, order), "day " + day + ": " + t);
            }
            // both runs took every file of the day, yet each is recorded once, with its rows
            assertEquals(day, count(spark, wh, "meta/ingested_files", "true"), "day " + day);
            assertEquals(day, count(spark, wh, "meta/quarantine", "true"), "day " + day);
            // each run has a row when it started and one when it ended
            assertEquals(2L * day, count(spark, wh, "meta/run_log", "job = 'kamw pipeline' and status = 'started' "
                    + "and message like 'started without the warehouse lease%'"));
            assertEquals(2L * day, count(spark, wh, "meta/run_log", "job = 'kamw pipeline' and status = 'succeeded'"));
        }
        assertEquals(List.of("TM-001|East Region", "TM-002|East Key Accounts", "TM-003|West Region (renamed)", "TM-004|South Region"),
                rows(spark, wh, "gold/dim_team_names", "team_id"));
    }

    /**
     * Two closes of one pay period started together with the lease off: exactly one closes it, the
     * other is refused (it finds the period closed, or its insert finds the other's run), and the
     * period has one closed run.
     */
    @Test
    void withoutTheLeaseTwoClosesOfOnePeriodCannotBothSucceed() throws Exception {
        final Path wh = dir.resolve("bonus-unleased");
        io.kamwarehouse.gold.BonusFixture.load(SharedSpark.context(wh));
        final List<CompletableFuture<Integer>> closes = new ArrayList<>();
        final List<ByteArrayOutputStream> errs = List.of(new ByteArrayOutputStream(), new ByteArrayOutputStream());
        for (final ByteArrayOutputStream err : errs) {
            closes.add(CompletableFuture.supplyAsync(() -> Main.execute(new String[] {"--warehouse", wh.toString(), "--schemas",
                SharedSpark.schemasDir().toString(), "--master", "local[2]", "-q", "--conf", "kamw.lease.enabled=false", "bonus", "close",
                "--period", "2026-Q3", "--by", "finance.lead"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8))));
        }
        final List<Integer> codes = new ArrayList<>();
        for (final CompletableFuture<Integer> c : closes) {
            codes.add(c.get(300, TimeUnit.SECONDS));
        }
        final String said = errs.get(0).toString(StandardCharsets.UTF_8) + errs.get(1).toString(StandardCharsets.UTF_8);
        assertEquals(List.of(0, 2), codes.stream().sorted().toList(), said);
        assertTrue(said.contains("pay period 2026-Q3 is already closed by run BR-")
                || said.contains("pay period 2026-Q3 was closed by another close that ran at the same time"), said);
        assertEquals(1L, count(spark(), wh, "meta/bonus_runs", "pay_period = '2026-Q3' and status = 'closed'"));
    }

    private static SparkSession spark() {
        return SharedSpark.spark();
    }
}
