package io.kamwarehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.testing.SharedSpark;
import io.kamwarehouse.testing.TeamTables;

/**
 * {@code kamw pipeline --select/--exclude}, what a grouped DAG task runs: only the selected tables
 * are built and only the selected bronze tables load their drops; a failing table fails the run
 * once the others are built; running the same selection again (an Airflow retry) rebuilds only
 * what did not finish; bad selectors are refused with a message.
 */
class PipelineSelectTest {

    @TempDir
    Path dir;

    /** The team tables' project (one gold table fails), and a products extract that is not the contract's. */
    private Path schemas() throws Exception {
        final Path schemas = TeamTables.write(dir);
        final Path drop = dir.resolve("warehouse/landing/crm/2026-10-01");
        Files.writeString(drop.resolve("products.csv"), "not,the,products,header\n1,2,3,4\n", StandardCharsets.UTF_8);
        return schemas;
    }

    /** Status by output table of the run log's rows for one pipeline run (the latest one). */
    private Map<String, String> lastRun() {
        final var log = SharedSpark.spark().read().format("delta").load(dir.resolve("warehouse/meta/run_log").toString());
        final String latest = log.orderBy(org.apache.spark.sql.functions.col("started_at").desc()).first().getAs("pipeline_run_id");
        final Map<String, String> out = new TreeMap<>();
        // the command's own rows (started, and how it ended) have no output table
        for (final Row r : log.where(org.apache.spark.sql.functions.col("pipeline_run_id").equalTo(latest)
                .and(org.apache.spark.sql.functions.col("output_table").isNotNull())).select("output_table", "status").collectAsList()) {
            out.put(r.getString(0), r.getString(1));
        }
        return out;
    }

    @Test
    void onlyTheSelectedTablesAreBuiltAndARetryRebuildsOnlyWhatDidNotFinish() throws Exception {
        final Path schemas = schemas();
        final Path wh = dir.resolve("warehouse");

        // The dry run lists exactly the selection: what dim_team_labels is built from, bronze included.
        CliRun.Result r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "+dim_team_labels", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("ingest crm.teams -> raw_crm__teams", "build stg_crm__teams (staging) from raw_crm__teams",
                "build dim_team_names (sql) from stg_crm__teams", "build dim_team_regions (sql) from stg_crm__teams",
                "build dim_team_labels (sql) from dim_team_names, dim_team_regions"), r.out().strip().lines().toList());

        r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "+dim_team_labels");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(Map.of("raw_crm__teams", "succeeded", "stg_crm__teams", "succeeded", "dim_team_names", "succeeded",
                "dim_team_regions", "succeeded", "dim_team_labels", "succeeded"), lastRun(),
                "the products drop is not loaded and the typo tables are not built: they are not selected");
        assertFalse(Files.exists(wh.resolve("gold/dim_team_typo")), "a table not selected is not written");

        // The gold layer as one task: the typo fails the run once the tables that do not depend on it are done;
        // those are skipped, their inputs have not changed since they were built.
        r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "layer:gold");
        assertNotEquals(0, r.code(), "a failing table fails the group's task");
        assertEquals(Map.of("dim_team_names", "skipped", "dim_team_regions", "skipped", "dim_team_labels", "skipped",
                "dim_team_typo", "failed", "dim_team_after_typo", "skipped"), lastRun());
        assertTrue(r.out().contains("dim_team_typo") && r.out().contains("team_nmae"), r.out());

        // The retry after the query is fixed builds the two that did not finish, and only them.
        Files.writeString(schemas.resolve("tables/gold/conformed/dim_team_typo/query.sql"), "SELECT team_id, team_name FROM stg_crm__teams");
        r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "layer:gold");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(Map.of("dim_team_names", "skipped", "dim_team_regions", "skipped", "dim_team_labels", "skipped",
                "dim_team_typo", "succeeded", "dim_team_after_typo", "succeeded"), lastRun());

        // A bronze table selected alone loads its drops (here refused: the file is not the contract's).
        r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "raw_crm__products");
        assertEquals(Map.of("raw_crm__products", "rejected"), lastRun());
        assertNotEquals(0, r.code());
    }

    @Test
    void aSelectorThatPicksNothingOrNamesNothingIsRefusedBeforeSparkStarts() throws Exception {
        final Path schemas = schemas();
        final Path wh = dir.resolve("warehouse");
        CliRun.Result r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "dim_team_nope+");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("unknown table 'dim_team_nope'") && r.err().contains("did you mean dim_team_names"), r.err());
        r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "layer:silver,domain:conformed");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("selects no table"), r.err());
        r = CliRun.kamwWith(schemas, wh, "pipeline", "--select", "layer:gold", "--exclude", "layer:gold");
        assertTrue(r.err().contains("--exclude layer:gold selects no table"), r.err());
        assertFalse(Files.exists(wh.resolve("meta/run_log")), "nothing ran");
    }
}
