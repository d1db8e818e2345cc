package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DecimalType;

import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.StepTimer;
import io.kamwarehouse.runtime.TableChecksums;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.Period;
import io.kamwarehouse.spec.SqlParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * Builds a gold table from its spec's SQL query over the spec's inputs, each read at one pinned
 * Delta version. Left alone when no input, var or the query changed since the last build. A table
 * with a {@code period:} declaration recomputes only the periods its inputs' changes reach and
 * replaces exactly those in one Delta commit ({@code replaceWhere} on the period column); it is
 * recomputed whole on its first build, with {@code --rebuild}, when the query or a var changed, or
 * when a changed input has no declared reach or its change feed is not available. Other tables are
 * recomputed whole (one overwrite commit).
 */
public final class SqlJob implements TableJob {

    static final String LOGIC_VERSION = "sql-1";

    /**
     * Spark conf: with {@code true}, every build by period is compared with the whole table
     * recomputed from the same inputs, and fails naming the periods that differ (a reach declared
     * too narrow). Costs a full recomputation; the tests and {@code kamw bench} turn it on.
     */
    public static final String VERIFY_CONF = "kamw.verifyPeriods";

    @Override
    public JobResult run(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        final SqlParams params = spec.params(SqlParams.class);
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final StepTimer timer = new StepTimer();
        final JobResult missing = QueryInputs.skipWhenInputMissing(wh, spec);
        if (missing != null) {
            return missing;
        }
        final QueryInputs q = prepared(wh, spec);
        timer.lap("pin inputs+fingerprint");
        if (!options.rebuild() && !options.backfill() && q.unchangedSinceLastBuild(wh, spec.name())) {
            return new JobResult(spec.name(), RunStatus.SKIPPED, 0, 0, wh.version(spec.name()), q.inputs.versions(),
                    "inputs and query unchanged since the last build");
        }
        final Period period = spec.period();
        // analysed once: the plan tells which input columns the query reads, and the same frame is written
        final Dataset<Row> query = q.query(spark);
        final PeriodPlan.Decision decision = period == null ? null : PeriodPlan.plan(wh, spec, q, query, options);
        timer.lap("periods reached");
        if (decision == null || decision.full()) {
            return full(ctx, spec, params, q, query, decision == null ? null : decision.why(), !options.rebuild());
        }
        if (decision.nothing()) {
            // no write, so no new version for the tables downstream; the next build reads the changes from these versions on
            q.recordChecked(wh, spec.name());
            return new JobResult(spec.name(), RunStatus.SKIPPED, 0, 0, wh.version(spec.name()), q.inputs.versions(),
                    "no change of its inputs reaches a period (" + decision.why() + ")");
        }
        final String predicate = decision.predicate(period.column(), period.grain());
        final String path = wh.tablePath(spec.name());
        // the rows written are counted as they are written (Delta's metric of a replaceWhere counts the rows it copied too)
        final org.apache.spark.sql.Observation written = new org.apache.spark.sql.Observation("rows_written");
        final Dataset<Row> out = ctx.observeWrite((q.usesPeriodsFrom() ? q.query(spark, decision.first()) : query).where(predicate))
                .observe(written, count(lit(1)).as("n"));
        q.withFingerprint(spark, () -> out.write().format("delta").mode("overwrite").option("replaceWhere", predicate)
                .option("partitionOverwriteMode", "static").save(path));
        timer.lap("query+write periods");
        final long version = wh.version(spec.name());
        final long rows = observed(written);
        final String mismatch = verify(wh, spec, q, period);
        if (mismatch != null) {
            // the table is put right (rebuilt whole) and the build still fails: the declaration needs fixing
            final JobResult repaired = full(ctx, spec, params, q, q.query(spark), "repair", false);
            return new JobResult(spec.name(), RunStatus.FAILED, repaired.rowsRead(), repaired.rowsWritten(), repaired.outputVersion(),
                    q.inputs.versions(), "recomputed " + decision.periodsText() + " (" + decision.why() + ") but the table then "
                            + "differed from a whole rebuild in " + mismatch + ": a declared period.reach is too narrow; "
                            + "rebuilt whole");
        }
        return new JobResult(spec.name(), RunStatus.SUCCEEDED, q.rowsRead(), rows, version, q.inputs.versions(),
                String.format("recomputed %s (%s): %,d rows", decision.periodsText(), decision.why(), rows), predicate);
    }

    @Override
    public QueryInputs prepared(final Warehouse wh, final TableSpec spec) {
        final SqlParams params = spec.params(SqlParams.class);
        return QueryInputs.prepare(wh, spec, params.query(), params.vars(), LOGIC_VERSION);
    }

    /** The row count an observation took while its frame was written; -1 when it did not come within a minute. */
    static long observed(final org.apache.spark.sql.Observation o) {
        try {
            final Row r = scala.concurrent.Await.result(o.future(), scala.concurrent.duration.Duration.create(60, "s"));
            return r.isNullAt(0) ? 0 : r.getLong(0);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (final Exception e) {
            return -1;
        }
    }

    /**
     * Recomputes the whole table in one overwrite commit; with {@code mayKeep}, a table of at most
     * {@link SameRows#max} rows whose recomputed rows are exactly those it holds is left as it is
     * (see {@link SameRows}).
     */
    private static JobResult full(final RunContext ctx, final TableSpec spec, final SqlParams params, final QueryInputs q,
            final Dataset<Row> query, final String why, final boolean mayKeep) {
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final String name = spec.name();
        Dataset<Row> rows = query;
        SameRows.Content content = null;
        final long max = SameRows.max(spark);
        if (mayKeep && max > 0 && wh.exists(name)) {
            final long current = wh.version(name);
            final java.util.OptionalLong held = wh.rowCountFromLog(name, current);
            if (held.isPresent() && held.getAsLong() <= max) {
                // computed once: compared, then written from memory if it differs
                rows = query.localCheckpoint(true);
                content = SameRows.of(rows);
                if (content.equals(SameRows.current(wh, name, current))) {
                    q.recordChecked(wh, name);
                    return new JobResult(name, RunStatus.SKIPPED, q.rowsRead(), 0, current, q.inputs.versions(),
                            String.format("recomputed%s: the same %,d rows as its version %d, so nothing was written",
                                    why == null ? "" : " (whole table: " + why + ")", content.rows(), current));
                }
            }
        }
        final Dataset<Row> out = ctx.observeWrite(rows);
        // A gold table is read whole by the jobs and checks after it: statistics on its keys only.
        final String path = wh.tablePath(name);
        q.withFingerprint(spark, () -> wh.writeWithStatsOn(path, spec.keys(), create -> {
            DataFrameWriter<Row> w = out.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
            if (!params.partitionBy().isEmpty()) {
                // a whole rebuild replaces every partition: dynamic partition overwrite (the session's default) does
                // not go with overwriteSchema
                w = w.partitionBy(params.partitionBy().toArray(String[]::new)).option("partitionOverwriteMode", "static");
            }
            w.save(path);
        }));
        final long written = QueryInputs.lastOutputRows(wh, name);
        final long version = wh.version(name);
        if (content != null) {
            SameRows.store(wh, name, version, content);
        }
        return new JobResult(name, RunStatus.SUCCEEDED, q.rowsRead(), written, version, q.inputs.versions(),
                String.format("recomputed: %,d rows", written) + (why == null ? "" : " (whole table: " + why + ")"));
    }

    /**
     * With {@link #VERIFY_CONF} on, the periods in which the table differs from the query over the
     * same inputs (row count or content checksum per period), or null when it does not.
     */
    static String verify(final Warehouse wh, final TableSpec spec, final QueryInputs q, final Period period) {
        return verifying(wh) ? differences(wh.readCurrent(spec.name()), q.query(wh.spark()), period) : null;
    }

    /** Whether builds by period are checked against a whole rebuild ({@link #VERIFY_CONF}). */
    static boolean verifying(final Warehouse wh) {
        return "true".equalsIgnoreCase(wh.spark().conf().get(VERIFY_CONF, "false"));
    }

    /**
     * The periods in which a table built by period differs from the whole table recomputed now from
     * its inputs' current versions, or null when it does not (for {@code kamw bench}'s equality check).
     */
    public static String differenceFromWhole(final Warehouse wh, final TableSpec spec) {
        if (spec.params() instanceof io.kamwarehouse.spec.ModelParams) {
            return ModelJob.differenceFromWhole(wh, spec);
        }
        final SqlParams params = spec.params(SqlParams.class);
        final QueryInputs q = QueryInputs.prepare(wh, spec, params.query(), params.vars(), LOGIC_VERSION);
        return differences(wh.readCurrent(spec.name()), q.query(wh.spark()), spec.period());
    }

    /** The periods in which {@code table} and {@code whole} differ (row count or content checksum), or null. */
    static String differences(final Dataset<Row> tableRows, final Dataset<Row> wholeRows, final Period period) {
        final Map<String, String> table = perPeriod(tableRows, period.column());
        final Map<String, String> whole = perPeriod(wholeRows, period.column());
        final Set<String> all = new TreeSet<>(table.keySet());
        all.addAll(whole.keySet());
        final List<String> differ = all.stream().filter(p -> !java.util.Objects.equals(table.get(p), whole.get(p))).toList();
        if (differ.isEmpty()) {
            return null;
        }
        return (differ.size() > 8 ? differ.size() + " periods, first " + String.join(", ", differ.subList(0, 8))
                : "period" + (differ.size() == 1 ? " " : "s ") + String.join(", ", differ));
    }

    /** Row count and content checksum of each period of a table. */
    private static Map<String, String> perPeriod(final Dataset<Row> data, final String column) {
        final Dataset<Row> c = TableChecksums.comparable(data);
        final Column[] cols = Arrays.stream(c.columns()).map(n -> col("`" + n + "`")).toArray(Column[]::new);
        final Map<String, String> out = new TreeMap<>();
        for (final Row r : c.groupBy(col("`" + column + "`").cast("string").as("p"))
                .agg(count(lit(1)), sum(xxhash64(cols).cast(new DecimalType(20, 0)))).collectAsList()) {
            out.put(String.valueOf(r.get(0)), r.getLong(1) + "/" + r.get(2));
        }
        return out;
    }
}
