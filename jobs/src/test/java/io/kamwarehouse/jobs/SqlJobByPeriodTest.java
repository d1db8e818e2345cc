package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * A table built by period on Delta inputs: a change of an input with a reach recomputes its month;
 * an input without a reach rewritten with the same rows is no change (remembered, so a rerun skips
 * at once and the next build reads changes from there); one whose rows changed rebuilds the whole
 * table.
 */
class SqlJobByPeriodTest {

    private static final String SPEC = """
            name: fct_sales_month
            layer: gold
            description: sales per region and month
            grain: one row per region per month
            keys: [region, month]
            inputs: [stg_test__sales, stg_test__shops]
            job: sql
            period:
              column: month
              grain: month
              reach:
                stg_test__sales: sale_date
            sql:
              query: |
                SELECT h.region, trunc(s.sale_date, 'MM') AS month, sum(s.amount) AS amount
                FROM stg_test__sales s JOIN stg_test__shops h ON h.shop = s.shop
                GROUP BY h.region, trunc(s.sale_date, 'MM')
            schedule: daily
            owner: test
            checks:
              - unique: [region, month]
            """;

    @TempDir
    Path dir;

    @Test
    void anInputWithoutAReachRewrittenWithTheSameRowsIsNoChange() {
        final RunContext ctx = SharedSpark.context(dir);
        final TableSpec spec = TableSpecCatalog.parse("tables/gold/test/fct_sales_month/table.yaml", SPEC);
        shops(ctx, "('S1', 'North'), ('S2', 'South')");
        write(ctx, "stg_test__sales", "SELECT * FROM VALUES ('S1', DATE'2026-01-10', 100), ('S2', DATE'2026-02-05', 50) "
                + "AS t(shop, sale_date, amount)", "overwrite");
        assertEquals("recomputed: 2 rows (whole table: first build)", build(ctx, spec).message());

        write(ctx, "stg_test__sales", "SELECT * FROM VALUES ('S1', DATE'2026-02-20', 10) AS t(shop, sale_date, amount)", "append");
        final JobResult day = build(ctx, spec);
        assertEquals(RunStatus.SUCCEEDED, day.status(), day.message());
        assertTrue(day.message().startsWith("recomputed 2026-02-01 (stg_test__sales v0 -> v1: 2026-02-01): 2 rows"), day.message());
        assertEquals(List.of("North|2026-01-01|100", "North|2026-02-01|10", "South|2026-02-01|50"), rows(ctx));

        // the shops rewritten as they were (an upstream rebuild): nothing reaches a period
        shops(ctx, "('S2', 'South'), ('S1', 'North')");
        final long v = ctx.warehouse().version("fct_sales_month");
        final JobResult same = build(ctx, spec);
        assertEquals(RunStatus.SKIPPED, same.status(), same.message());
        assertEquals("no change of its inputs reaches a period (stg_test__shops v0 -> v1 with the same rows)", same.message());
        assertEquals(v, ctx.warehouse().version("fct_sales_month"), "nothing written: no new version for the tables downstream");
        // the check is remembered beside the table: a rerun with nothing new skips at once instead of reading the same changes
        final JobResult again = build(ctx, spec);
        assertEquals(RunStatus.SKIPPED, again.status(), again.message());
        assertEquals("inputs and query unchanged since the last build", again.message());
        assertEquals(v, ctx.warehouse().version("fct_sales_month"));

        // a shop moved to another region: no reach is declared for it, so the whole table is recomputed (the changes are
        // read from the versions the last check found current, as nothing was written since)
        shops(ctx, "('S1', 'North'), ('S2', 'North')");
        final JobResult moved = build(ctx, spec);
        assertEquals(RunStatus.SUCCEEDED, moved.status(), moved.message());
        assertEquals("recomputed: 2 rows (whole table: input stg_test__shops changed (v1 -> v2) and period.reach does not declare "
                + "how far its changes reach)", moved.message());
        assertEquals(List.of("North|2026-01-01|100", "North|2026-02-01|60"), rows(ctx));

        // a check recorded at an older version of the table says nothing about a newer one
        write(ctx, "stg_test__sales", "SELECT * FROM VALUES ('S2', DATE'2026-03-02', 7) AS t(shop, sale_date, amount)", "append");
        final JobResult march = build(ctx, spec);
        assertTrue(march.message().startsWith("recomputed every period from 2026-02-01 on (stg_test__sales v1 -> v2: 2026-03-01)"),
                march.message());
        assertEquals(List.of("North|2026-01-01|100", "North|2026-02-01|60", "North|2026-03-01|7"), rows(ctx));
    }

    @Test
    void aTableWhoseBuildsByPeriodCostMoreThanWholeOnesIsRebuiltWholeUntilItIsMeasuredAgain() {
        final RunContext ctx = SharedSpark.context(dir);
        final TableSpec spec = TableSpecCatalog.parse("tables/gold/test/fct_sales_month/table.yaml", SPEC);
        final io.kamwarehouse.runtime.Warehouse wh = ctx.warehouse();
        final io.kamwarehouse.pipeline.TableRunner runner = new io.kamwarehouse.pipeline.TableRunner(ctx);
        // off in the tests' session (see SharedSpark): on here
        wh.spark().conf().set(BuildCosts.CONF, "true");
        try {
            costRule(ctx, spec, wh, runner);
        } finally {
            wh.spark().conf().set(BuildCosts.CONF, "false");
        }
    }

    private void costRule(final RunContext ctx, final TableSpec spec, final io.kamwarehouse.runtime.Warehouse wh,
            final io.kamwarehouse.pipeline.TableRunner runner) {
        shops(ctx, "('S1', 'North'), ('S2', 'South')");
        write(ctx, "stg_test__sales", "SELECT * FROM VALUES ('S1', DATE'2026-01-10', 100) AS t(shop, sale_date, amount)", "overwrite");

        // each step's cost is recorded beside the table, the whole rebuild's and the build by period's
        assertEquals("recomputed: 1 rows (whole table: first build)", step(runner, spec));
        final BuildCosts.Costs first = BuildCosts.read(wh, "fct_sales_month");
        assertTrue(first.wholeMs() > 0 && first.periodsMs() == -1, first.toString());
        sale(ctx, "('S2', DATE'2026-02-05', 50)");
        startsWith("recomputed every period from 2026-01-01 on (stg_test__sales v0 -> v1: 2026-02-01)", step(runner, spec));
        final BuildCosts.Costs second = BuildCosts.read(wh, "fct_sales_month");
        assertEquals(first.wholeMs(), second.wholeMs());
        assertTrue(second.periodsMs() > 0 && second.wholesSince() == 0, second.toString());

        // builds by period measured dearer than whole ones: the next day rebuilds the whole table, without deciding periods
        BuildCosts.record(wh, "fct_sales_month", false, 2_000);
        BuildCosts.record(wh, "fct_sales_month", true, 5_000);
        sale(ctx, "('S1', DATE'2026-02-20', 10)");
        assertEquals("recomputed: 3 rows (whole table: cost rule: its last build by period took 5.0 s, its last whole rebuild 2.0 s)",
                step(runner, spec));
        assertEquals(List.of("North|2026-01-01|100", "North|2026-02-01|10", "South|2026-02-01|50"), rows(ctx));
        assertEquals(1, BuildCosts.read(wh, "fct_sales_month").wholesSince());
        assertEquals(5_000, BuildCosts.read(wh, "fct_sales_month").periodsMs());

        // a backfill asks for its periods, and the rule off (or builds verified against a whole rebuild) decides them
        sale(ctx, "('S1', DATE'2026-03-01', 1)");
        startsWith("recomputed every period from 2026-02-01 on (backfill", new SqlJob().run(ctx, spec,
                JobOptions.backfill(java.time.LocalDate.parse("2026-03-01"), java.time.LocalDate.parse("2026-03-31"))).message());
        wh.spark().conf().set(BuildCosts.CONF, "false");
        try {
            sale(ctx, "('S1', DATE'2026-03-02', 2)");
            startsWith("recomputed 2026-03-01 (stg_test__sales v3 -> v4: 2026-03-01)", build(ctx, spec).message());
        } finally {
            wh.spark().conf().set(BuildCosts.CONF, "true");
        }

        // after RETRY_AFTER whole rebuilds in a row, a build by period is measured again
        BuildCosts.record(wh, "fct_sales_month", true, 5_000);
        for (int i = 1; i < BuildCosts.RETRY_AFTER; i++) {
            BuildCosts.record(wh, "fct_sales_month", false, 2_000);
        }
        sale(ctx, "('S1', DATE'2026-03-03', 3)");
        assertEquals("recomputed: 4 rows (whole table: cost rule: its last build by period took 5.0 s, its last whole rebuild "
                + "2.0 s; by period again after 1 more whole rebuild)", step(runner, spec));
        sale(ctx, "('S1', DATE'2026-03-04', 4)");
        startsWith("recomputed 2026-03-01 (stg_test__sales v5 -> v6: 2026-03-01)", step(runner, spec));
        assertEquals(0, BuildCosts.read(wh, "fct_sales_month").wholesSince());
        assertEquals(List.of("North|2026-01-01|100", "North|2026-02-01|10", "North|2026-03-01|10", "South|2026-02-01|50"), rows(ctx));

        // by period a fifth dearer is within the margin (a whole rewrite costs the tables downstream more): still by period
        BuildCosts.record(wh, "fct_sales_month", false, 2_000);
        BuildCosts.record(wh, "fct_sales_month", true, 2_400);
        sale(ctx, "('S1', DATE'2026-03-05', 5)");
        startsWith("recomputed 2026-03-01 (stg_test__sales v6 -> v7: 2026-03-01)", step(runner, spec));
        assertEquals(List.of("North|2026-01-01|100", "North|2026-02-01|10", "North|2026-03-01|15", "South|2026-02-01|50"), rows(ctx));
    }

    private static String step(final io.kamwarehouse.pipeline.TableRunner runner, final TableSpec spec) {
        final io.kamwarehouse.pipeline.TableRunner.Built b = runner.build(List.of(spec), JobOptions.INCREMENTAL).get(0);
        assertEquals(RunStatus.SUCCEEDED, b.status(), b.message());
        return b.job().message();
    }

    private static void startsWith(final String prefix, final String message) {
        assertTrue(message.startsWith(prefix), message);
    }

    private static void sale(final RunContext ctx, final String values) {
        write(ctx, "stg_test__sales", "SELECT * FROM VALUES " + values + " AS t(shop, sale_date, amount)", "append");
    }

    private static JobResult build(final RunContext ctx, final TableSpec spec) {
        return new SqlJob().run(ctx, spec, JobOptions.INCREMENTAL);
    }

    private static void shops(final RunContext ctx, final String values) {
        write(ctx, "stg_test__shops", "SELECT * FROM VALUES " + values + " AS t(shop, region)", "overwrite");
    }

    private static void write(final RunContext ctx, final String table, final String sql, final String mode) {
        ctx.warehouse().spark().sql(sql).write().format("delta").mode(mode).save(ctx.warehouse().tablePath(table));
    }

    private static List<String> rows(final RunContext ctx) {
        return ctx.warehouse().read("fct_sales_month").collectAsList().stream()
                .map(r -> r.getString(0) + "|" + r.get(1) + "|" + r.get(2)).sorted().toList();
    }
}
