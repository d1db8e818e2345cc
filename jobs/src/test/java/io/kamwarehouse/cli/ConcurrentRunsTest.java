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

    private static CompletableFuture<Integer> pipeline(final Path root, final Path schemas, final ByteArrayOutputStream err) {
        return CompletableFuture.supplyAsync(() -> Main.execute(new String[] {"--warehouse", root.resolve("warehouse").toString(),
            "--schemas", schemas.toString(), "--master", "local[2]", "--wait", "300", "pipeline"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
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
}
