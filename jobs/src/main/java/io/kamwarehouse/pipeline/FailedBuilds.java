package io.kamwarehouse.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import io.delta.tables.DeltaTable;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.CheckResult;
import io.kamwarehouse.spec.DataChecks;
import io.kamwarehouse.spec.TableSpec;

/**
 * Write–audit–publish by restore: a build whose error checks fail is withdrawn at once, so what
 * readers see is never a version that failed its checks. The build commits (every job writes the
 * table in place: a merge, a replace of periods, an overwrite), its checks run on that version,
 * and on an error the table is restored to the version before the build, in one more commit that
 * carries the earlier version's build stamp (so the next run sees the same changes again and
 * rebuilds). The failed version stays in the table's history for inspection, and up to
 * {@value #DEFAULT_ROWS_KEPT} failing rows per failed check ({@value #ROWS_KEPT_CONF}) are kept in
 * {@value #TABLE}. A table's first build has nothing to go back to: it is moved aside under
 * {@code meta/_failed/}, so the table does not exist until a build passes.
 *
 * <p>Why restore rather than build into a staging copy and swap: Delta has no atomic swap of two
 * tables, every job writes in place (merges and period replaces read the target they write), and a
 * restore is one small commit that only re-adds the files the build removed. The cost is a window
 * of seconds between the build's commit and the restore in which a reader outside this run can
 * see the failed version; this run's own steps never do (what reads the table is blocked).
 */
public final class FailedBuilds {

    /** The table of kept failing rows. */
    public static final String TABLE = "check_failures";
    /** Spark conf: failing rows kept per failed check (default {@value #DEFAULT_ROWS_KEPT}; 0 keeps none). */
    public static final String ROWS_KEPT_CONF = "kamw.checks.failingRowsKept";
    public static final int DEFAULT_ROWS_KEPT = 20;
    private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";

    private FailedBuilds() {
    }

    /**
     * Withdraws the build of {@code spec} that failed the {@code blocking} checks, the table having
     * been at {@code before} (null when it did not exist), and returns what was done, for the run log.
     */
    static String withdraw(final RunContext ctx, final TableSpec spec, final Warehouse.Commit before,
            final List<CheckResult> blocking) {
        final Warehouse wh = ctx.warehouse();
        final String table = spec.name();
        final long failed = wh.version(table);
        if (failed < 0 || before != null && failed <= before.version()) {
            return "";
        }
        final long kept = keep(ctx, spec, failed, blocking);
        final String rows = kept == 0 ? "" : "; " + kept + " failing row" + (kept == 1 ? "" : "s") + " kept in " + TABLE;
        if (before != null) {
            final SparkSession spark = wh.spark();
            if (before.userMetadata() != null) {
                spark.conf().set(USER_METADATA_CONF, before.userMetadata());
            }
            try {
                DeltaTable.forPath(spark, wh.tablePath(table)).restoreToVersion(before.version());
            } finally {
                spark.conf().unset(USER_METADATA_CONF);
            }
            return "withdrawn: the table is back at v" + before.version() + "'s rows (v" + wh.version(table) + "); the failed build is v"
                    + failed + " (kamw sql \"select * from " + table + " version as of " + failed + "\")" + rows;
        }
        final String aside = moveAside(wh, table, ctx.pipelineRunId());
        return "withdrawn: the table's first build is not published; it is kept at " + aside + rows;
    }

    /** Keeps up to the configured number of failing rows per failed check of version {@code failed}; returns how many. */
    private static long keep(final RunContext ctx, final TableSpec spec, final long failed, final List<CheckResult> blocking) {
        final Warehouse wh = ctx.warehouse();
        final int limit = Integer.parseInt(wh.spark().conf().get(ROWS_KEPT_CONF, String.valueOf(DEFAULT_ROWS_KEPT)).trim());
        if (limit <= 0) {
            return 0;
        }
        final Dataset<Row> version = wh.readVersion(spec.name(), failed);
        Dataset<Row> all = null;
        for (final CheckResult c : blocking) {
            final Dataset<Row> rows = DataChecks.failingRows(wh, spec, c.name(), version, limit);
            final Dataset<Row> out = rows.select(lit(spec.name()).as("table_name"), lit(ctx.pipelineRunId()).as("run_id"),
                    lit(failed).as("failed_version"), lit(c.name()).as("check_name"), lit(c.severity().label()).as("severity"),
                    lit(c.detail()).as("detail"), to_json(struct(col("*"))).as("row_json"), current_timestamp().as("recorded_at"));
            all = all == null ? out : all.unionByName(out);
        }
        final List<Row> rows = all.collectAsList();
        if (rows.isEmpty()) {
            return 0;
        }
        wh.spark().createDataFrame(rows, all.schema()).coalesce(1).write().format("delta").mode(SaveMode.Append)
                .save(wh.tablePath(TABLE));
        return rows.size();
    }

    /** Moves a table's folder to {@code meta/_failed/<table>-<run>} and returns where it went. */
    private static String moveAside(final Warehouse wh, final String table, final String runId) {
        final Path from = new Path(wh.tablePath(table));
        final Path to = new Path(wh.root() + "/meta/_failed/" + table + "-" + runId);
        try {
            final FileSystem fs = from.getFileSystem(wh.hadoopConf());
            fs.mkdirs(to.getParent());
            if (!fs.rename(from, to)) {
                throw new IOException("rename returned false");
            }
            return to.toString();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot move the failed first build of " + table + " aside to " + to, e);
        }
    }
}
