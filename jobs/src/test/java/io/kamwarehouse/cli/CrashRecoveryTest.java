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
        final List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")
                    || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j2.configurationFile") || a.startsWith("-Dfile.encoding")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--warehouse", root.resolve("warehouse").toString(), "--schemas", schemas.toString(), "--master", "local[1]",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=1", "--conf", Faults.HALT_CONF + "=" + point,
                "pipeline"));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), point);
        assertEquals(Faults.HALT_STATUS, p.exitValue(), point + ": " + out);
        assertTrue(out.contains("kamw: halting at " + point), out);
        return out;
    }

    private static List<String> rows(final SparkSession spark, final Path warehouse, final String layerTable, final String order) {
        final List<String> out = new ArrayList<>();
        spark.read().format("delta").load(warehouse.resolve(layerTable).toString()).drop("_ingested_at", "_updated_at", "ingested_at")
                .orderBy(order).collectAsList().forEach(r -> out.add(r.mkString("|").replace(warehouse.toString(), "WAREHOUSE")));
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
}
