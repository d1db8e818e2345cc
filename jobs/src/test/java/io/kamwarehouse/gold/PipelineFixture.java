package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.spark.sql.SaveMode;

import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.jobs.BronzeFixture;
import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * Gold tables built the way the pipeline builds them, from tiny fixtures: every
 * {@code src/test/resources/gold/<set>/<bronze table>/*.csv} is one bronze batch, then the silver
 * and gold specs a target needs are built with {@link TableRunner} in dependency order (a silver
 * table without a fixture is skipped, as in the pipeline). A folder named after a gold table
 * ({@code dim_account/}) is a stand-in written as that table, with the columns {@link #PROVIDED}
 * types, and is not built: the test then does not depend on how that table is computed (the tier
 * scoring behind dim_account, say).
 */
final class PipelineFixture {

    private static final Path ROOT = Paths.get("src/test/resources/gold");
    private static final LocalDate DROP = LocalDate.parse("2025-07-01");

    /** Column types of the gold tables a fixture may stand in for. */
    static final Map<String, String> PROVIDED = Map.of(
            "dim_account", "account_key BIGINT, account_id STRING, tier STRING, valid_from TIMESTAMP, valid_to TIMESTAMP, "
                    + "is_current BOOLEAN, crm_tier STRING");

    private PipelineFixture() {
    }

    /** Loads every fixture file of a set into bronze, or as a stand-in gold table; returns the stand-ins. */
    static Set<String> load(final RunContext ctx, final String set) {
        final Path root = ROOT.resolve(set);
        final Set<String> provided = new TreeSet<>();
        try (Stream<Path> tables = Files.list(root)) {
            for (final Path table : tables.sorted().toList()) {
                final String name = table.getFileName().toString();
                if (PROVIDED.containsKey(name)) {
                    ctx.warehouse().spark().read().schema(PROVIDED.get(name)).option("header", "true")
                            .csv(table.toAbsolutePath().toString()).coalesce(1).write().format("delta").mode(SaveMode.Overwrite)
                            .save(ctx.warehouse().tablePath(name));
                    provided.add(name);
                    continue;
                }
                final Contract contract = ctx.contracts().byBronzeTable(table.getFileName().toString())
                        .orElseThrow(() -> new IllegalArgumentException("no contract loads " + table));
                try (Stream<Path> files = Files.list(table)) {
                    for (final Path file : files.sorted().toList()) {
                        BronzeFixture.append(ctx, root, contract.qualifiedName(), file.getFileName().toString(),
                                set + "-" + file.getFileName(), DROP, Instant.parse("2025-07-01T06:00:00Z"));
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return provided;
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
