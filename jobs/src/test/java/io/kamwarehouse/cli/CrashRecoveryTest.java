package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.Faults;
import io.kamwarehouse.testing.SharedSpark;

/**
 * A pipeline killed dead (no cleanup, as by {@code kill -9}) right after a commit of a run — a
 * batch's bronze rows, its quarantined rows, the silver merge, a gold table's write — then run again, ends equal to a run that was never interrupted: every row of the
 * drop loaded or quarantined once, silver and gold the same, and the interrupted run recorded in
 * the run log by the run that took over its lease.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    /** The teams drop (three good rows and one with an unknown team type), the teams silver spec and two gold tables. */
    private static Path project(final Path root) throws Exception {
        final Path schemas = io.kamwarehouse.testing.TeamTables.write(root);
        for (final String failing : List.of("dim_team_typo", "dim_team_after_typo")) {
            try (var files = Files.walk(schemas.resolve("tables/gold/conformed/" + failing))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.writeString(root.resolve("warehouse/landing/crm/2026-10-01/teams.csv"), io.kamwarehouse.testing.TeamTables.TEAMS
                + "TM-004,Lost Team,,weird_type,North,E100004,2019-01-01,2019-01-01 00:00:00\n", StandardCharsets.UTF_8);
        return schemas;
    }

    /** {@code kamw pipeline} in a JVM of its own, halted at {@code point}; returns its exit status and output. */
    private static String crash(final Path root, final Path schemas, final String point) throws Exception {
        return crash(root.resolve("warehouse"), schemas, point, java.util.Map.of(), "pipeline");
    }

    /** {@code kamw COMMAND...} on {@code warehouse} in a JVM of its own, halted at {@code point}; returns its output. */
    private static String crash(final Path warehouse, final Path schemas, final String point, final java.util.Map<String, String> env,
            final String... command) throws Exception {
        final CliRun.Result r = child(warehouse, schemas, point, env, command);
        assertEquals(Faults.HALT_STATUS, r.code(), point + ": " + r.out());
        assertTrue(r.out().contains("kamw: halting at " + point), r.out());
        return r.out();
    }

    /** {@code kamw COMMAND...} in a JVM of its own with {@code env} set, halted at {@code point} unless it is null. */
    private static CliRun.Result child(final Path warehouse, final Path schemas, final String point,
            final java.util.Map<String, String> env, final String... command) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")
                    || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j2.configurationFile") || a.startsWith("-Dfile.encoding")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--warehouse", warehouse.toString(), "--schemas", schemas.toString(), "--master", "local[1]",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=1"));
        // evaluated without code generation, as in the test JVMs (SharedSpark.TEST_CONF): a cold JVM's few queries
        // cost less to run than to compile
        for (final String key : List.of("spark.sql.codegen.wholeStage", "spark.sql.codegen.factoryMode")) {
            cmd.addAll(List.of("--conf", key + "=" + SharedSpark.TEST_CONF.get(key)));
        }
        if (point != null) {
            cmd.addAll(List.of("--conf", Faults.HALT_CONF + "=" + point));
        }
        cmd.addAll(List.of(command));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), point);
        return new CliRun.Result(p.exitValue(), out, "");
    }

    private static List<String> rows(final SparkSession spark, final Path warehouse, final String layerTable, final String order) {
        final List<String> out = new ArrayList<>();
        spark.read().format("delta").load(warehouse.resolve(layerTable).toString()).drop("_ingested_at", "_updated_at", "ingested_at")
                .orderBy(java.util.Arrays.stream(order.split(",")).map(String::trim).map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new)).collectAsList().forEach(r -> out.add(r.mkString("|").replace(warehouse.toString(), "WAREHOUSE")));
        return out;
    }

    private static long count(final SparkSession spark, final Path warehouse, final String layerTable, final String where) {
        return spark.read().format("delta").load(warehouse.resolve(layerTable).toString()).where(where).count();
    }

    @Test
    void aPipelineKilledAfterAnyCommitEndsAsAnUninterruptedRunAfterTheNextRun() throws Exception {
        final SparkSession spark = SharedSpark.spark();
        final Path clean = dir.resolve("clean");
        final Path cleanSchemas = project(clean);
        final CliRun.Result reference = CliRun.kamwWith(cleanSchemas, clean.resolve("warehouse"), "pipeline");
        assertEquals(0, reference.code(), reference.out() + reference.err());
        final List<String> tables = List.of("bronze/raw_crm__teams", "silver/stg_crm__teams", "gold/dim_team_names",
                "gold/dim_team_labels");

        // Four points, each a JVM of its own (half a minute each): bronze committed with the quarantined rows only staged
        // (the batch is loaded again and replaces itself; the staged rows are cleared), bronze and quarantine committed but
        // the files not recorded (the same, and the quarantine replaces its own rows), the silver merge committed but not
        // recorded as merged (merged again, a no-op), a gold table written but not checked (built again). A halt after the
        // file records is recovered as the first: its batch's rows are all committed and the file is not loaded again.
        for (final String point : List.of("bronze:crm.teams", "quarantine", "silver:stg_crm__teams", "build:dim_team_names")) {
            final Path root = dir.resolve(point.replace(':', '_'));
            final Path schemas = project(root);
            crash(root, schemas, point);
            final Path wh = root.resolve("warehouse");
            final CliRun.Result again = CliRun.kamwWith(schemas, wh, "pipeline");
            assertEquals(0, again.code(), point + ": " + again.out() + again.err());
            for (final String t : tables) {
                assertEquals(rows(spark, clean.resolve("warehouse"), t, "team_id"), rows(spark, wh, t, "team_id"), point + ": " + t);
            }
            // every row of the drop once: three loaded, one quarantined, the file recorded once
            assertEquals(1L, count(spark, wh, "meta/quarantine", "entity = 'crm.teams'"), point);
            assertEquals(1L, count(spark, wh, "meta/ingested_files", "rows_read = 4 and rows_loaded = 3 and rows_quarantined = 1"),
                    point);
            assertEquals(1L, count(spark, wh, "meta/ingested_files", "true"), point);
            assertEquals(1L, count(spark, wh, "meta/run_log", "status = 'interrupted' and job = 'kamw pipeline'"),
                    point + ": the interrupted run is recorded");
            assertTrue(!Files.exists(wh.resolve("meta/_staging/quarantine")), point + ": no staged rows left behind");
        }
    }

    /** The teams project with an SCD2 history of the teams' names and regions, and the next day's drop written by {@link #nextDay}. */
    private static Path withHistory(final Path root) throws Exception {
        final Path schemas = project(root);
        final Path folder = schemas.resolve("tables/gold/conformed/dim_team_history");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("table.yaml"), """
                name: dim_team_history
                layer: gold
                description: a test table
                grain: one row per team_id per version
                keys: [team_key]
                inputs: [stg_crm__teams]
                job: scd2
                scd2:
                  business_key: [team_id]
                  surrogate_key: team_key
                  tracked: [team_name, region]
                  effective_from: updated_at
                schedule: daily
                owner: test
                checks:
                  - unique: [team_key]
                  - not_null: [team_key, team_id]
                """);
        Files.writeString(folder.resolve("query.sql"), "SELECT team_id, team_name, region, updated_at FROM stg_crm__teams\n");
        return schemas;
    }

    private static void nextDay(final Path root) throws Exception {
        final Path drop = root.resolve("warehouse/landing/crm/2026-10-02");
        Files.createDirectories(drop);
        Files.writeString(drop.resolve("teams.csv"), """
                team_id,team_name,parent_team_id,team_type,region,manager_employee_id,created_date,updated_at
                TM-003,West Region,,region,South-West,E100003,2018-02-01,2026-10-01 10:00:00
                TM-005,North Region,,region,North,E100005,2026-09-01,2026-10-01 11:00:00
                """, StandardCharsets.UTF_8);
    }

    /**
     * The next day's run killed right after the silver merge or right after the SCD2 dimension's
     * merge (a new version of a team, the old one closed), then run again: the dimension's history
     * is that of a run never interrupted, each version once.
     */
    @Test
    void aNextDayKilledAfterTheSilverOrTheScd2MergeEndsAsAnUninterruptedRun() throws Exception {
        final SparkSession spark = SharedSpark.spark();
        final Path clean = dir.resolve("clean-history");
        final Path cleanSchemas = withHistory(clean);
        final CliRun.Result first = CliRun.kamwWith(cleanSchemas, clean.resolve("warehouse"), "pipeline");
        assertEquals(0, first.code(), first.out() + first.err());
        nextDay(clean);
        final CliRun.Result reference = CliRun.kamwWith(cleanSchemas, clean.resolve("warehouse"), "pipeline");
        assertEquals(0, reference.code(), reference.out() + reference.err());
        final List<String> history = rows(spark, clean.resolve("warehouse"), "gold/dim_team_history", "team_id, valid_from");
        assertEquals(5, history.size(), "three teams, TM-003 closed and opened again, TM-005 new: " + history);
        for (final String point : List.of("silver:stg_crm__teams", "build:dim_team_history")) {
            final Path root = dir.resolve("history-" + point.replace(':', '_'));
            final Path schemas = withHistory(root);
            final Path wh = root.resolve("warehouse");
            assertEquals(0, CliRun.kamwWith(schemas, wh, "pipeline").code(), point);
            nextDay(root);
            crash(root, schemas, point);
            final CliRun.Result again = CliRun.kamwWith(schemas, wh, "pipeline");
            assertEquals(0, again.code(), point + ": " + again.out() + again.err());
            assertEquals(history, rows(spark, wh, "gold/dim_team_history", "team_id, valid_from"), point);
            assertEquals(rows(spark, clean.resolve("warehouse"), "silver/stg_crm__teams", "team_id"),
                    rows(spark, wh, "silver/stg_crm__teams", "team_id"), point);
        }
    }

    /**
     * A bonus close killed right after it committed the closed run: the period is closed once, the
     * next close of it is refused as already closed, and the interrupted command is in the run log.
     */
    @Test
    void aBonusCloseKilledAfterItsCommitLeavesThePeriodClosedOnce() throws Exception {
        final Path wh = dir.resolve("bonus");
        final io.kamwarehouse.runtime.RunContext ctx = SharedSpark.context(wh);
        io.kamwarehouse.gold.BonusFixture.load(ctx);
        final Path schemas = SharedSpark.schemasDir();
        final String out = crash(wh, schemas, "bonus-close", java.util.Map.of(), "bonus", "close", "--period", "2026-Q3", "--by",
                "finance.lead");
        assertTrue(out.contains("halting at bonus-close"), out);
        final CliRun.Result again = CliRun.kamwWith(schemas, wh, "bonus", "close", "--period", "2026-Q3", "--by", "finance.lead");
        assertEquals(2, again.code(), again.out() + again.err());
        assertTrue(again.err().contains("pay period 2026-Q3 is already closed by run BR-"), again.err());
        assertEquals(1L, count(SharedSpark.spark(), wh, "meta/bonus_runs", "pay_period = '2026-Q3' and status = 'closed'"));
        assertEquals(1L, count(SharedSpark.spark(), wh, "meta/run_log", "job = 'kamw bonus' and status = 'interrupted'"));
    }

    /**
     * A publish killed after a table's rows reached the serving database's staging table, or after
     * the swap: publishing again leaves each table once, with the rows of its Delta version, and no
     * staging table behind.
     */
    @Test
    void aPublishKilledBeforeOrAfterTheSwapIsRepairedByTheNextPublish() throws Exception {
        final io.kamwarehouse.serving.ServingTarget pg = io.kamwarehouse.testing.SharedPostgres.target();
        final java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("KAMW_JDBC_USER", pg.user());
        if (pg.password() != null) {
            env.put("KAMW_JDBC_PASSWORD", pg.password());
        }
        for (final String point : List.of("publish-stage:dim_team_names", "publish:dim_team_names")) {
            final Path root = dir.resolve(point.replace(':', '_'));
            final Path schemas = project(root);
            final Path wh = root.resolve("warehouse");
            assertEquals(0, CliRun.kamwWith(schemas, wh, "pipeline").code(), point);
            try (java.sql.Connection c = pg.connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS kamw CASCADE");
            }
            crash(wh, schemas, point, env, "publish", "--jdbc-url", pg.jdbcUrl());
            final CliRun.Result again = child(wh, schemas, null, env, "publish", "--jdbc-url", pg.jdbcUrl());
            assertEquals(0, again.code(), point + ": " + again.out() + again.err());
            try (java.sql.Connection c = pg.connect(); java.sql.Statement st = c.createStatement()) {
                final List<String> served = new ArrayList<>();
                try (java.sql.ResultSet rs = st.executeQuery("SELECT team_id || '|' || team_name FROM kamw.dim_team_names ORDER BY 1")) {
                    while (rs.next()) {
                        served.add(rs.getString(1));
                    }
                }
                assertEquals(rows(SharedSpark.spark(), wh, "gold/dim_team_names", "team_id"), served, point);
                try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'kamw' "
                        + "AND tablename LIKE '%kamw_stage%'")) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), point + ": no staging table left");
                }
            }
        }
    }
}
