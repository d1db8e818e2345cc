package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.SaveMode;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * Gold tables built the way the pipeline builds them: the specs a target needs are built with
 * {@link TableRunner} in dependency order, but for the tables the test has written itself (the
 * stand-ins), so the test does not depend on how those are computed.
 */
final class PipelineFixture {

    private PipelineFixture() {
    }

    /**
     * A stand-in dim_date: {@code date_key}, {@code date}, {@code is_business_day} (Monday to
     * Friday, no holidays) and {@code business_day_number} for every day of the given years.
     */
    static String calendar(final RunContext ctx, final int fromYear, final int toYear) {
        ctx.warehouse().spark().sql("SELECT CAST(date_format(d, 'yyyyMMdd') AS INT) AS date_key, d AS date, weekday(d) < 5 AS is_business_day, "
                + "CAST(sum(CASE WHEN weekday(d) < 5 THEN 1 ELSE 0 END) OVER (ORDER BY d) AS INT) AS business_day_number "
                + "FROM (SELECT explode(sequence(make_date(" + fromYear + ", 1, 1), make_date(" + toYear + ", 12, 31))) AS d)")
                .coalesce(1).write().format("delta").mode(SaveMode.Overwrite).save(ctx.warehouse().tablePath("dim_date"));
        return "dim_date";
    }

    /**
     * Builds the targets and every spec they depend on but the stand-ins; fails when a build fails
     * or a blocking check fails.
     */
    static Map<String, TableRunner.Built> build(final RunContext ctx, final TableSpecCatalog specs, final Set<String> provided,
            final String... targets) {
        final Map<String, TableSpec> needed = new LinkedHashMap<>();
        for (final String t : targets) {
            collect(specs, t, needed);
        }
        needed.keySet().removeAll(provided);
        final List<TableSpec> order = TableSpecCatalog.dependencyOrder(new ArrayList<>(needed.values()));
        final Map<String, TableRunner.Built> out = new LinkedHashMap<>();
        for (final TableRunner.Built b : new TableRunner(ctx).build(order, JobOptions.INCREMENTAL)) {
            out.put(b.table(), b);
        }
        for (final String t : targets) {
            final TableRunner.Built b = out.get(t);
            // a rebuild with the same inputs and vars writes nothing, and says so
            final boolean upToDate = RunRecord.SKIPPED.equals(b.status()) && b.message().contains("unchanged");
            assertTrue(RunRecord.SUCCEEDED.equals(b.status()) || upToDate, t + ": " + TableRunner.describe(b));
            assertTrue(ctx.warehouse().exists(t), t + " was not written");
        }
        return out;
    }

    private static void collect(final TableSpecCatalog specs, final String table, final Map<String, TableSpec> out) {
        if (out.containsKey(table) || !specs.contains(table)) {
            return;
        }
        final TableSpec spec = specs.get(table);
        out.put(table, spec);
        spec.dependencies().forEach(d -> collect(specs, d, out));
    }
}
