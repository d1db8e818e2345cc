package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;

import io.kamwarehouse.ingest.IngestedFiles;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * Tiny input tables written straight into a test warehouse as Delta (a SQL query's result, so a
 * fixture reads like the rows it holds), the scoring plans' cfg_ tables built from the plan files,
 * and one table's job run with its checks.
 */
final class FactFixture {

    private FactFixture() {
    }

    /** Writes (replaces) a table with the rows a query returns. */
    static void table(final RunContext ctx, final String name, final String query) {
        // views of another test's warehouse may linger in the shared session under the same names
        for (final String t : ctx.warehouse().listTables()) {
            ctx.warehouse().spark().catalog().dropTempView(t);
        }
        // SHOW TABLES rather than catalog().listTables(), whose rows do not decode without code generation (the tests' setting)
        for (final org.apache.spark.sql.Row t : ctx.warehouse().spark().sql("SHOW TABLES").where("isTemporary").collectAsList()) {
            final String view = t.getAs("tableName");
            if (query.toLowerCase(java.util.Locale.ROOT).contains(view.toLowerCase(java.util.Locale.ROOT))) {
                ctx.warehouse().spark().catalog().dropTempView(view);
            }
        }
        ctx.warehouse().registerViewsFor(query);
        ctx.warehouse().spark().sql(query).coalesce(1).write().format("delta").mode(SaveMode.Overwrite)
                .option("overwriteSchema", "true").save(ctx.warehouse().tablePath(name));
    }

    /**
     * Records that the warehouse has ingested a drop of the given date (one {@code ingested_files}
     * row), so a run's as-of date is the day before it, as after a real ingest.
     */
    static void dropped(final RunContext ctx, final String dropDate) {
        final Row r = RowFactory.create("fixture.drop", Date.valueOf(dropDate), "fixture", 0L, 0L, "fixture-" + dropDate, null,
                "fixture-" + dropDate, 0L, 0L, 0L, Timestamp.valueOf(dropDate + " 06:00:00"), "fixture");
        ctx.warehouse().spark().createDataFrame(List.of(r), IngestedFiles.SCHEMA).coalesce(1).write().format("delta")
                .mode(SaveMode.Overwrite).save(ctx.warehouse().tablePath(IngestedFiles.TABLE));
    }

    /**
     * Builds cfg_scoring_plan and the given cfg_ tables from the scoring plans (the repository's
     * conf/scoring, bundled on the test classpath).
     */
    static void plans(final RunContext ctx, final TableSpecCatalog specs, final String... tables) {
        final List<TableSpec> cfg = new ArrayList<>();
        cfg.add(specs.get("cfg_scoring_plan"));
        for (final String t : tables) {
            cfg.add(specs.get(t));
        }
        for (final TableRunner.Built b : new TableRunner(ctx).build(TableSpecCatalog.dependencyOrder(cfg), JobOptions.INCREMENTAL)) {
            assertTrue(RunRecord.SUCCEEDED.equals(b.status()) || RunRecord.SKIPPED.equals(b.status()), TableRunner.describe(b));
        }
    }

    /** Runs one table's job and checks with the given vars (kamw.var.*); fails when the job or a blocking check fails. */
    static TableRunner.Built run(final RunContext ctx, final TableSpecCatalog specs, final String table, final Map<String, String> vars) {
        vars.forEach((k, v) -> ctx.warehouse().spark().conf().set("kamw.var." + k, v));
        try {
            final TableRunner.Built b = new TableRunner(ctx).build(List.of(specs.get(table)), JobOptions.INCREMENTAL).get(0);
            final boolean upToDate = RunRecord.SKIPPED.equals(b.status()) && b.message().contains("unchanged");
            assertTrue(RunRecord.SUCCEEDED.equals(b.status()) || upToDate, table + ": " + TableRunner.describe(b)
                    + " " + b.checks().stream().filter(c -> !c.passed()).toList());
            return b;
        } finally {
            vars.keySet().forEach(k -> ctx.warehouse().spark().conf().unset("kamw.var." + k));
        }
    }
}
