package io.kamwarehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.ingest.IngestResult;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * What {@code kamw pipeline} and {@code kamw bench} both rely on: the pipeline tells its listeners
 * when ingest is done and after each table step, in order, and times both stages; a step
 * that fails, even on a query Spark cannot analyse, is recorded as failed and the run goes on.
 */
class PipelineHooksTest {

    @TempDir
    Path dir;

    private static String table(final String name) {
        return "name: " + name + "\nlayer: gold\ndescription: a test table\ngrain: one row per team_id\nkeys: [team_id]\n"
                + "inputs: [stg_crm__teams]\njob: sql\nchecks:\n  - unique: [team_id]\n  - not_null: [team_id]\n"
                + "schedule: daily\nowner: test\n";
    }

    @Test
    void listenersHearIngestOnceThenEveryTableStepInOrder() throws Exception {
        // The shipped contracts, and two silver specs: one whose extract arrives, one whose does not.
        final Path schemas = dir.resolve("schemas");
        SharedSpark.copySourceContracts(schemas);
        for (final String spec : List.of("stg_crm__teams", "stg_crm__employees")) {
            final String folder = "tables/silver/crm/" + spec;
            Files.createDirectories(schemas.resolve(folder));
            Files.copy(SharedSpark.schemasDir().resolve(folder + "/table.yaml"), schemas.resolve(folder + "/table.yaml"));
        }
        // A gold table whose query names a column that does not exist, and one beside it that is fine.
        for (final String[] t : List.of(new String[] {"dim_team_typo", "SELECT team_id, team_nmae FROM stg_crm__teams"},
                new String[] {"dim_team_names", "SELECT team_id, team_name FROM stg_crm__teams"})) {
            final Path folder = schemas.resolve("tables/gold/conformed/" + t[0]);
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("table.yaml"), table(t[0]));
            Files.writeString(folder.resolve("query.sql"), t[1]);
        }
        final RunContext shipped = SharedSpark.context(dir);
        final SchemaFiles files = SchemaFiles.fromDirectory(schemas);
        final RunContext ctx = new RunContext(shipped.warehouse(), files, ContractCatalog.load(files), Progress.silent());
        final Path drop = dir.resolve("landing/crm/2026-10-01");
        Files.createDirectories(drop);
        Files.writeString(drop.resolve("teams.csv"), """
                team_id,team_name,parent_team_id,team_type,region,manager_employee_id,created_date,updated_at
                TM-001,East Region,,region,East,E100001,2017-01-03,2018-06-24 09:48:29
                TM-002,East Key Accounts,TM-001,team,East,E100002,2017-06-05,2022-10-30 16:33:03
                """, StandardCharsets.UTF_8);

        final List<String> heard = new ArrayList<>();
        final List<IngestResult> ingestHeard = new ArrayList<>();
        final Pipeline.Result result = new Pipeline(ctx)
                .afterIngest(batches -> {
                    heard.add("ingest");
                    ingestHeard.addAll(batches);
                })
                .afterEach(b -> heard.add(b.table() + ":" + b.status()))
                .run(Optional.empty());

        // Ingest first, once, with the batch it loaded.
        assertEquals("ingest", heard.get(0));
        assertEquals(1, heard.stream().filter("ingest"::equals).count());
        assertEquals(result.ingested(), ingestHeard);
        assertEquals(1, ingestHeard.size());
        assertEquals(RunRecord.SUCCEEDED, ingestHeard.get(0).status());
        assertEquals(2, ingestHeard.get(0).rowsRead());

        // Then one call per spec, in the order the steps ran, with the status each step ended in.
        final List<String> steps = heard.subList(1, heard.size());
        final List<String> expected = result.built().stream().map(b -> b.table() + ":" + b.status()).toList();
        assertEquals(expected, steps);
        assertEquals(4, TableSpecCatalog.load(ctx.schemas(), ctx.contracts()).all().size());
        assertEquals(4, steps.size(), steps.toString());
        assertTrue(steps.contains("stg_crm__teams:" + RunRecord.SUCCEEDED), steps.toString());
        // Tables whose inputs never arrived are skipped, not failed.
        assertTrue(steps.contains("stg_crm__employees:" + RunRecord.SKIPPED), steps.toString());
        // A query Spark cannot analyse fails its own step, with Spark's reason, and the run goes on.
        assertTrue(steps.contains("dim_team_typo:" + RunRecord.FAILED), steps.toString());
        final TableRunner.Built typo = result.built().stream().filter(b -> b.table().equals("dim_team_typo")).findFirst().orElseThrow();
        assertTrue(typo.message().contains("team_nmae"), typo.message());
        assertTrue(steps.contains("dim_team_names:" + RunRecord.SUCCEEDED), steps.toString());
        assertEquals(ingestHeard.get(0).rowsLoaded(), ctx.warehouse().read("dim_team_names").count());
        assertEquals(List.of("failed"), ctx.warehouse().read("run_log").where("output_table = 'dim_team_typo'")
                .select("status").collectAsList().stream().map(r -> r.getString(0)).toList());

        assertFalse(result.ingestTime().isNegative() || result.ingestTime().isZero());
        assertFalse(result.buildTime().isNegative() || result.buildTime().isZero());
        // The build stage holds each step; steps built at once overlap, at most kamw.build.concurrency of them.
        final double buildSeconds = result.buildTime().toNanos() / 1e9;
        result.built().forEach(b -> assertTrue(buildSeconds >= b.elapsed().toNanos() / 1e9, b.table() + " within the build"));
        final double stepSeconds = result.built().stream().mapToDouble(b -> b.elapsed().toNanos() / 1e9).sum();
        assertTrue(TableRunner.DEFAULT_CONCURRENCY * buildSeconds >= stepSeconds, "the build stage holds its steps");
    }
}
