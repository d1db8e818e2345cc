package io.kamwarehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.SchemaFiles;
import io.kamwarehouse.contracts.ContractCatalog;
import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Write–audit–publish: a build that fails an error check is never what readers see. The teams
 * drop of 2026-10-02 renames TM-003 to a name TM-001 has; {@code dim_team_names} (unique team
 * names) then fails its check: the table is restored to the rows of 2026-10-01, the failed version
 * stays in its history, its two failing rows are kept in {@code check_failures}, and the table
 * built from it is not built. A table whose first build fails is not created at all. A warning
 * does not withdraw anything.
 */
class FailedChecksWithdrawnTest {

    @TempDir
    Path dir;

    private static String spec(final String name, final String inputs, final String checks) {
        return "name: " + name + "\nlayer: gold\ndescription: a test table\ngrain: one row per team_id\nkeys: [team_id]\n"
                + "inputs: [" + inputs + "]\njob: sql\nchecks:\n  - not_null: [team_id]\n" + checks + "schedule: daily\nowner: test\n";
    }

    private RunContext project() throws Exception {
        final Path schemas = dir.resolve("schemas");
        SharedSpark.copySourceContracts(schemas);
        final String silver = "tables/silver/crm/stg_crm__teams";
        Files.createDirectories(schemas.resolve(silver));
        Files.copy(SharedSpark.schemasDir().resolve(silver + "/table.yaml"), schemas.resolve(silver + "/table.yaml"));
        final Map<String, String[]> gold = new java.util.LinkedHashMap<>();
        gold.put("dim_team_names", new String[] {"stg_crm__teams", "SELECT team_id, team_name FROM stg_crm__teams",
            "  - unique: [team_id]\n  - unique: [team_name]\n"});
        gold.put("dim_team_name_labels", new String[] {"dim_team_names", "SELECT team_id, upper(team_name) AS label FROM dim_team_names",
            "  - unique: [team_id]\n"});
        // East appears twice: fails from its first build
        gold.put("dim_team_one_per_region", new String[] {"stg_crm__teams", "SELECT team_id, region FROM stg_crm__teams",
            "  - unique: [team_id]\n  - unique: [region]\n"});
        // a warning only: the build stands
        gold.put("dim_team_regions_warned", new String[] {"stg_crm__teams", "SELECT team_id, region FROM stg_crm__teams",
            "  - unique: [team_id]\n  - unique: [region]\n    severity: warn\n"});
        for (final Map.Entry<String, String[]> t : gold.entrySet()) {
            final Path folder = schemas.resolve("tables/gold/conformed/" + t.getKey());
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("table.yaml"), spec(t.getKey(), t.getValue()[0], t.getValue()[2]));
            Files.writeString(folder.resolve("query.sql"), t.getValue()[1]);
        }
        drop("2026-10-01", io.kamwarehouse.testing.TeamTables.TEAMS);
        final RunContext shipped = SharedSpark.context(dir.resolve("warehouse"));
        final SchemaFiles files = SchemaFiles.fromDirectory(schemas);
        return new RunContext(shipped.warehouse(), files, ContractCatalog.load(files), Progress.silent());
    }

    private void drop(final String date, final String csv) throws Exception {
        final Path folder = dir.resolve("warehouse/landing/crm/" + date);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("teams.csv"), csv, StandardCharsets.UTF_8);
    }

    private static Map<String, TableRunner.Built> run(final RunContext ctx) {
        final Map<String, TableRunner.Built> out = new HashMap<>();
        new Pipeline(ctx).run(Optional.empty()).built().forEach(b -> out.put(b.table(), b));
        return out;
    }

    private static List<String> rows(final Warehouse wh, final String table) {
        final List<String> out = new ArrayList<>();
        wh.read(table).orderBy("team_id").collectAsList().forEach(r -> out.add(r.mkString("|")));
        return out;
    }

    @Test
    void aBuildThatFailsItsErrorChecksIsWithdrawnAndKeptForInspection() throws Exception {
        final RunContext ctx = project();
        final Warehouse wh = ctx.warehouse();
        final Map<String, TableRunner.Built> first = run(ctx);
        assertEquals(RunStatus.SUCCEEDED, first.get("dim_team_names").status(), first.get("dim_team_names").message());
        assertEquals(RunStatus.SUCCEEDED, first.get("dim_team_name_labels").status());
        assertEquals(RunStatus.SUCCEEDED, first.get("dim_team_regions_warned").status(), "a warning does not withdraw");
        assertTrue(first.get("dim_team_regions_warned").message().contains("warnings: "), first.get("dim_team_regions_warned").message());
        assertTrue(wh.exists("dim_team_regions_warned"));

        // a first build that fails is not created: nothing to read, the failed build kept aside
        final TableRunner.Built regions = first.get("dim_team_one_per_region");
        assertEquals(RunStatus.CHECK_FAILED, regions.status());
        assertFalse(wh.exists("dim_team_one_per_region"), "not published: " + regions.message());
        assertTrue(regions.message().contains("withdrawn: the table's first build is not published; it is kept at "), regions.message());
        assertTrue(Files.isDirectory(dir.resolve("warehouse/meta/_failed/dim_team_one_per_region-" + ctx.pipelineRunId() + "/_delta_log")),
                regions.message());
        assertFalse(wh.listTables().contains("dim_team_one_per_region"));

        final List<String> good = rows(wh, "dim_team_names");
        final long goodVersion = wh.version("dim_team_names");
        final List<String> goodLabels = rows(wh, "dim_team_name_labels");

        drop("2026-10-02", """
                team_id,team_name,parent_team_id,team_type,region,manager_employee_id,created_date,updated_at
                TM-003,East Region,,region,West,E100003,2018-02-01,2026-10-01 10:00:00
                """);
        final RunContext next = new RunContext(wh, ctx.schemas(), ctx.contracts(), Progress.silent());
        final Map<String, TableRunner.Built> second = run(next);
        final TableRunner.Built names = second.get("dim_team_names");
        assertEquals(RunStatus.CHECK_FAILED, names.status(), names.message());
        final long failed = goodVersion + 1;
        assertTrue(names.message().contains("withdrawn: the table is back at v" + goodVersion + "'s rows (v" + (failed + 1)
                + "); the failed build is v" + failed), names.message());
        assertTrue(names.message().contains("2 failing rows kept in check_failures"), names.message());

        // readers see the rows of before, and the failed build is in the history
        assertEquals(good, rows(wh, "dim_team_names"));
        assertEquals(List.of("TM-001|East Region", "TM-002|East Key Accounts", "TM-003|East Region"),
                wh.readVersion("dim_team_names", failed).orderBy("team_id").collectAsList().stream().map(r -> r.mkString("|")).toList());
        // its failing rows, with the check and the run
        final List<Row> kept = wh.read(FailedBuilds.TABLE).where("table_name = 'dim_team_names'").orderBy("row_json").collectAsList();
        assertEquals(2, kept.size());
        assertEquals("{\"team_id\":\"TM-001\",\"team_name\":\"East Region\"}", kept.get(0).getAs("row_json"));
        assertEquals("{\"team_id\":\"TM-003\",\"team_name\":\"East Region\"}", kept.get(1).getAs("row_json"));
        assertEquals("unique(team_name)", kept.get(0).getAs("check_name"));
        assertEquals(failed, (long) kept.get(0).<Long>getAs("failed_version"));
        assertEquals(next.pipelineRunId(), kept.get(0).getAs("run_id"));

        // what reads it was not built, and still holds what it had
        assertEquals(RunStatus.BLOCKED, second.get("dim_team_name_labels").status());
        assertEquals(goodLabels, rows(wh, "dim_team_name_labels"));

        // the next run sees the same change again (the restore carries the earlier build's stamp) and fails the same way
        final Map<String, TableRunner.Built> third = run(new RunContext(wh, ctx.schemas(), ctx.contracts(), Progress.silent()));
        assertEquals(RunStatus.CHECK_FAILED, third.get("dim_team_names").status(), third.get("dim_team_names").message());
        assertEquals(good, rows(wh, "dim_team_names"));
    }
}
