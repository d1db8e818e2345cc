package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * A whole rebuild whose rows come out exactly as the table holds them writes nothing: no new
 * version, so the table reading it is not rebuilt either; a rerun skips at once. A change of a
 * value, to the last digit of a double, is written; so is every {@code --rebuild}, and every build
 * with the comparison turned off.
 */
class SameRowsTest {

    private static final String SHOP_TOTALS = """
            name: fct_shop_totals
            layer: gold
            description: sales per shop
            grain: one row per shop
            keys: [shop]
            inputs: [stg_test__sales]
            job: sql
            sql:
              query: |
                SELECT shop, sum(amount) AS amount, max(rate) AS rate FROM stg_test__sales GROUP BY shop
            schedule: daily
            owner: test
            checks:
              - unique: [shop]
            """;

    private static final String REGION_TOTALS = """
            name: fct_region_totals
            layer: gold
            description: sales of all shops
            grain: one row
            keys: [shops]
            inputs: [fct_shop_totals]
            job: sql
            sql:
              query: |
                SELECT count(*) AS shops, sum(amount) AS amount FROM fct_shop_totals
            schedule: daily
            owner: test
            checks:
              - unique: [shops]
            """;

    @TempDir
    Path dir;

    @Test
    void aWholeRebuildThatGivesTheRowsTheTableHoldsWritesNothing() {
        final RunContext ctx = SharedSpark.context(dir);
        final Warehouse wh = ctx.warehouse();
        final TableSpec shops = TableSpecCatalog.parse("tables/gold/test/fct_shop_totals/table.yaml", SHOP_TOTALS);
        final TableSpec region = TableSpecCatalog.parse("tables/gold/test/fct_region_totals/table.yaml", REGION_TOTALS);
        sales(ctx, "('S1', 100, 0.1D, 'first'), ('S2', 50, 0.2D, 'first')");
        assertEquals("recomputed: 2 rows", build(ctx, shops, JobOptions.INCREMENTAL).message());
        assertEquals("recomputed: 1 rows", build(ctx, region, JobOptions.INCREMENTAL).message());

        // the sales rewritten with another note, a column the totals do not read: the same totals, nothing written
        sales(ctx, "('S2', 50, 0.2D, 'second'), ('S1', 100, 0.1D, 'second')");
        final long v = wh.version("fct_shop_totals");
        final JobResult same = build(ctx, shops, JobOptions.INCREMENTAL);
        assertEquals(RunStatus.SKIPPED, same.status(), same.message());
        assertEquals("recomputed: the same 2 rows as its version " + v + ", so nothing was written", same.message());
        assertEquals(v, wh.version("fct_shop_totals"));
        // so the table reading it has nothing new, and a rerun of either skips at once
        assertEquals("inputs and query unchanged since the last build", build(ctx, region, JobOptions.INCREMENTAL).message());
        assertEquals("inputs and query unchanged since the last build", build(ctx, shops, JobOptions.INCREMENTAL).message());

        // a sale changed: written, and what was written is kept beside the table for the next comparison
        sales(ctx, "('S1', 100, 0.1D, 'third'), ('S2', 70, 0.2D, 'third')");
        final JobResult changed = build(ctx, shops, JobOptions.INCREMENTAL);
        assertEquals(RunStatus.SUCCEEDED, changed.status(), changed.message());
        assertEquals(List.of("S1|100|0.1", "S2|70|0.2"), rows(wh));
        final com.fasterxml.jackson.databind.JsonNode kept = SideFiles.read(wh, "fct_shop_totals", SameRows.FILE);
        assertNotNull(kept);
        assertEquals(wh.version("fct_shop_totals"), kept.path("table_version").asLong());
        assertEquals(2, kept.path("rows").asLong());
        assertEquals("recomputed: 1 rows", build(ctx, region, JobOptions.INCREMENTAL).message());

        // a double that differs in its last digits is a change
        sales(ctx, "('S1', 100, 0.1D, 'fourth'), ('S2', 70, 0.20000000000001D, 'fourth')");
        final JobResult digits = build(ctx, shops, JobOptions.INCREMENTAL);
        assertEquals(RunStatus.SUCCEEDED, digits.status(), digits.message());
        assertEquals(List.of("S1|100|0.1", "S2|70|0.20000000000001"), rows(wh));

        // --rebuild writes whatever it finds, and so does every build with the comparison off
        final long before = wh.version("fct_shop_totals");
        assertEquals(RunStatus.SUCCEEDED, build(ctx, shops, JobOptions.REBUILD).status());
        assertEquals(before + 1, wh.version("fct_shop_totals"));
        sales(ctx, "('S1', 100, 0.1D, 'fifth'), ('S2', 70, 0.20000000000001D, 'fifth')");
        wh.spark().conf().set(SameRows.CONF, "0");
        try {
            assertEquals(RunStatus.SUCCEEDED, build(ctx, shops, JobOptions.INCREMENTAL).status());
        } finally {
            wh.spark().conf().unset(SameRows.CONF);
        }
        assertEquals(before + 2, wh.version("fct_shop_totals"));
        assertEquals(List.of("S1|100|0.1", "S2|70|0.20000000000001"), rows(wh));
    }

    private static JobResult build(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        return new SqlJob().run(ctx, spec, options);
    }

    private static void sales(final RunContext ctx, final String values) {
        ctx.warehouse().spark().sql("SELECT * FROM VALUES " + values + " AS t(shop, amount, rate, note)").write().format("delta")
                .mode("overwrite").save(ctx.warehouse().tablePath("stg_test__sales"));
    }

    private static List<String> rows(final Warehouse wh) {
        return wh.read("fct_shop_totals").collectAsList().stream().map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).sorted()
                .toList();
    }
}
