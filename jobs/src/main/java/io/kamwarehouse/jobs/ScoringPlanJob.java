package io.kamwarehouse.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import io.kamwarehouse.metadata.RunStatus;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.scoring.CfgTables;
import io.kamwarehouse.scoring.ScoringPlans;
import io.kamwarehouse.spec.ScoringPlanParams;
import io.kamwarehouse.spec.TableSpec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes one section of the scoring plans ({@code conf/scoring/*.yaml}, checked as they load) as
 * a small gold table ({@code cfg_*}) that SQL jobs join. Like a SQL job, the table is rewritten
 * whole only when what it is built from changed: the fingerprint of the plan files' hashes is the
 * commit's user metadata, so a rerun with unchanged plans writes nothing. The run log's message
 * names the plan files and hashes read.
 */
public final class ScoringPlanJob implements TableJob {

    static final String LOGIC_VERSION = "scoring-plan-1";

    @Override
    public JobResult run(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        final ScoringPlanParams params = spec.params(ScoringPlanParams.class);
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final Map<String, String> conf = CollectionConverters.asJava(spark.conf().getAll());
        final ScoringPlans plans = ScoringPlans.load(conf);
        final CfgTables.CfgTable table = CfgTables.get(params.section());
        final QueryInputs q = fingerprint(wh, spec, plans);
        final String read = "plans " + plans.describe();
        if (!options.rebuild() && q.unchangedSinceLastBuild(wh, spec.name())) {
            return new JobResult(spec.name(), RunStatus.SKIPPED, 0, 0, wh.version(spec.name()), Map.of(),
                    "scoring plans unchanged since the last build: " + read);
        }
        final List<Row> rows = new ArrayList<>();
        for (final Object[] r : CfgTables.rows(table, plans.all())) {
            rows.add(RowFactory.create(r));
        }
        final Dataset<Row> out = spark.createDataFrame(rows, table.schema()).coalesce(1);
        q.withFingerprint(spark, () -> ctx.observeWrite(out).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                .save(wh.tablePath(spec.name())));
        return new JobResult(spec.name(), RunStatus.SUCCEEDED, plans.all().size(), rows.size(), wh.version(spec.name()), Map.of(),
                String.format("wrote %,d rows from %s", rows.size(), read));
    }

    /** The fingerprint a build of the table would record now: the plans' text and the table's section and schema. */
    private static QueryInputs fingerprint(final Warehouse wh, final TableSpec spec, final ScoringPlans plans) {
        final ScoringPlanParams params = spec.params(ScoringPlanParams.class);
        final CfgTables.CfgTable table = CfgTables.get(params.section());
        return QueryInputs.forFingerprint(new JobInputs(wh, spec),
                LOGIC_VERSION + "\n" + params.section() + "\n" + table.schema().json() + "\n" + plans.describe());
    }

    @Override
    public QueryInputs prepared(final Warehouse wh, final TableSpec spec) {
        return fingerprint(wh, spec, ScoringPlans.load(CollectionConverters.asJava(wh.spark().conf().getAll())));
    }
}
