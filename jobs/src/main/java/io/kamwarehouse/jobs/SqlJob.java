package io.kamwarehouse.jobs;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.StepTimer;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.SqlParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * Builds a gold table from its spec's SQL query over the spec's inputs, each read at one pinned
 * Delta version. The table is recomputed whole (one overwrite commit) when an input's version,
 * the query or a var changed since the last build, and left alone otherwise.
 */
public final class SqlJob implements TableJob {

    static final String LOGIC_VERSION = "sql-1";

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
        final QueryInputs q = QueryInputs.prepare(wh, spec, params.query(), params.vars(), LOGIC_VERSION);
        timer.lap("pin inputs+fingerprint");
        if (!options.rebuild() && q.unchangedSinceLastBuild(wh, spec.name())) {
            return new JobResult(spec.name(), RunStatus.SKIPPED, 0, 0, wh.version(spec.name()), q.inputs.versions(),
                    "inputs and query unchanged since the last build");
        }
        final Dataset<Row> out = q.query(spark);
        // A gold table is read whole by the jobs and checks after it: statistics on its keys only.
        final String path = wh.tablePath(spec.name());
        q.withFingerprint(spark, () -> wh.writeWithStatsOn(path, spec.keys(), create -> {
            DataFrameWriter<Row> w = out.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
            if (!params.partitionBy().isEmpty()) {
                w = w.partitionBy(params.partitionBy().toArray(String[]::new));
            }
            w.save(path);
        }));
        timer.lap("query+write");
        final long rows = QueryInputs.lastOutputRows(wh, spec.name());
        final long read = q.rowsRead();
        timer.lap("count rows read");
        return new JobResult(spec.name(), RunStatus.SUCCEEDED, read, rows, wh.version(spec.name()), q.inputs.versions(),
                String.format("recomputed: %,d rows", rows));
    }
}
