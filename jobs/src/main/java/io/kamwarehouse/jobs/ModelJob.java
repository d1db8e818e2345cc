package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.spec.ModelParams;
import io.kamwarehouse.spec.Period;
import io.kamwarehouse.spec.SqlText;
import io.kamwarehouse.spec.TableSpec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Builds a gold table by fitting a probability model on the rows of the spec's source query (read,
 * like a sql job's, from inputs pinned at one Delta version), per segment and as-of date, on the
 * driver: the source rows are per-customer or per-cohort summaries, small next to the facts they
 * summarise. The table is the source rows with the model's predictions and the fits they come from,
 * recomputed whole when an input's version, the source, a var or a setting changed, and left alone
 * otherwise (the fingerprint is the commit's user metadata, as for sql jobs).
 *
 * <p>This class reads the spec and the source, resolves the vars and writes the table; the model
 * families fit and predict: {@link CustomerValueModels} (BG/NBD and Gamma-Gamma) and
 * {@link RetentionModels} (sBG), each recording its fits through {@link ModelFits}.
 */
public final class ModelJob implements TableJob {

    static final String LOGIC_VERSION = "model-1";

    @Override
    public JobResult run(final RunContext ctx, final TableSpec spec, final JobOptions options) {
        final ModelParams params = spec.params(ModelParams.class);
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final JobResult missing = QueryInputs.skipWhenInputMissing(wh, spec);
        if (missing != null) {
            return missing;
        }
        final Map<String, Double> settings = settings(CollectionConverters.asJava(wh.spark().conf().getAll()),
                QueryInputs.builtIns(wh), spec, params);
        final QueryInputs q = inputs(wh, spec, params, settings);
        if (!options.rebuild() && !options.backfill() && q.unchangedSinceLastBuild(wh, spec.name())) {
            return new JobResult(spec.name(), RunRecord.SKIPPED, 0, 0, wh.version(spec.name()), q.inputs.versions(),
                    "inputs, source and settings unchanged since the last build");
        }
        final Dataset<Row> source = q.query(spark);
        final StructType schema = source.schema();
        for (final String c : params.segmentBy()) {
            require(spec, schema, c);
        }
        final long read;
        final String summary;
        if (ModelParams.SBG.equals(params.modelKind())) {
            // Cohort tables are small (cohorts x periods x as-of dates): fitted and predicted on the driver.
            // The segment label comes from Spark, as for customer value, so both model kinds name segments alike.
            // in one order whatever the order of the source's files: the same rows give the same fit
            final Dataset<Row> withSegment = source.select(col("*"), segmentLabel(params.segmentBy()).as(SEGMENT));
            final List<Row> labelled = withSegment.orderBy(java.util.Arrays.stream(withSegment.columns())
                    .map(c -> col("`" + c + "`")).toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
            final List<Row> rows = new ArrayList<>(labelled.size());
            final List<String> labels = new ArrayList<>(labelled.size());
            for (final Row r : labelled) {
                final Object[] values = new Object[schema.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.get(i);
                }
                rows.add(RowFactory.create(values));
                labels.add(r.getString(values.length));
            }
            final RetentionModels.Output out = RetentionModels.project(spec, params, settings, schema, rows, labels);
            q.withFingerprint(spark, () -> ctx.observeWrite(spark.createDataFrame(out.rows(), out.schema()).coalesce(1)).write().format("delta")
                    .mode("overwrite").option("overwriteSchema", "true").save(wh.tablePath(spec.name())));
            read = rows.size();
            summary = out.summary();
        } else {
            // One row per customer and as-of date grows with the book: only the fits run on the driver (over
            // compact arrays), the predictions run in Spark against the fitted parameters. Fits are per as-of
            // date, so a table built by period (as-of month) refits only the periods its inputs' changes reach.
            final Period period = spec.period();
            final PeriodPlan.Decision decision = period == null ? null : PeriodPlan.plan(wh, spec, q, source, options);
            if (decision != null && decision.nothing()) {
                q.recordChecked(wh, spec.name());
                return new JobResult(spec.name(), RunRecord.SKIPPED, 0, 0, wh.version(spec.name()), q.inputs.versions(),
                        "no change of its inputs reaches a period (" + decision.why() + ")");
            }
            if (decision != null && !decision.full()) {
                return byPeriod(ctx, spec, params, settings, q, source, decision);
            }
            final Dataset<Row> cached = source.persist(StorageLevel.MEMORY_AND_DISK());
            try {
                final CustomerValueModels.Predicted out = perAsOf(spark, spec, params, settings, cached, null);
                q.withFingerprint(spark, () -> ctx.observeWrite(out.rows()).write().format("delta").mode("overwrite")
                        .option("overwriteSchema", "true").save(wh.tablePath(spec.name())));
                read = out.read();
                summary = out.summary() + (decision == null ? "" : " (whole table: " + decision.why() + ")");
            } finally {
                cached.unpersist();
            }
        }
        final long written = QueryInputs.lastOutputRows(wh, spec.name());
        return new JobResult(spec.name(), RunRecord.SUCCEEDED, read, written, wh.version(spec.name()),
                q.inputs.versions(), String.format(Locale.ROOT, "recomputed: %,d rows; %s", written, summary));
    }

    /**
     * Refits the as-of periods {@code decision} names and replaces exactly those in one commit; with
     * {@link SqlJob#VERIFY_CONF} on, then compares the table with the whole table fitted anew.
     */
    private static JobResult byPeriod(final RunContext ctx, final TableSpec spec, final ModelParams params,
            final Map<String, Double> settings, final QueryInputs q, final Dataset<Row> source, final PeriodPlan.Decision decision) {
        final Warehouse wh = ctx.warehouse();
        final SparkSession spark = wh.spark();
        final Period period = spec.period();
        final String predicate = decision.predicate(period.column(), period.grain());
        // a win-probability fit learns from every earlier row, so it reads the whole source and predicts the periods' rows
        final boolean trainsOnAll = ModelParams.WIN_PROBABILITY.equals(params.modelKind());
        final Dataset<Row> cached = (trainsOnAll ? source : source.where(predicate)).persist(StorageLevel.MEMORY_AND_DISK());
        final CustomerValueModels.Predicted out;
        final org.apache.spark.sql.Observation written = new org.apache.spark.sql.Observation("rows_written");
        try {
            out = perAsOf(spark, spec, params, settings, cached, trainsOnAll ? predicate : null);
            final Dataset<Row> rows = ctx.observeWrite(out.rows()).observe(written, org.apache.spark.sql.functions.count(lit(1)).as("n"));
            q.withFingerprint(spark, () -> rows.write().format("delta").mode("overwrite").option("replaceWhere", predicate)
                    .option("partitionOverwriteMode", "static").save(wh.tablePath(spec.name())));
        } finally {
            cached.unpersist();
        }
        final long rows = SqlJob.observed(written);
        final String recomputed = "recomputed " + decision.periodsText() + " (" + decision.why() + ")";
        final Dataset<Row> all = SqlJob.verifying(wh) ? whole(wh, spec, params, settings, q) : null;
        final String mismatch = all == null ? null : SqlJob.differences(wh.readCurrent(spec.name()), all, period);
        if (mismatch != null) {
            // the table is put right with the whole table just fitted, and the build still fails: the declaration needs fixing
            q.withFingerprint(spark, () -> ctx.observeWrite(all).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                    .save(wh.tablePath(spec.name())));
            return new JobResult(spec.name(), RunRecord.FAILED, out.read(), QueryInputs.lastOutputRows(wh, spec.name()),
                    wh.version(spec.name()), q.inputs.versions(), recomputed + " but the table then differed from a whole rebuild in "
                            + mismatch + ": a declared period.reach is too narrow; rebuilt whole");
        }
        return new JobResult(spec.name(), RunRecord.SUCCEEDED, out.read(), rows, wh.version(spec.name()), q.inputs.versions(),
                String.format(Locale.ROOT, "%s: %,d rows; %s", recomputed, rows, out.summary()), predicate);
    }

    /** The whole table fitted anew from the inputs {@code q} pinned (to check a build by period against). */
    private static Dataset<Row> whole(final Warehouse wh, final TableSpec spec, final ModelParams params,
            final Map<String, Double> settings, final QueryInputs q) {
        final Dataset<Row> source = q.query(wh.spark()).persist(StorageLevel.MEMORY_AND_DISK());
        final List<Row> rows;
        final StructType schema;
        try {
            final Dataset<Row> predicted = perAsOf(wh.spark(), spec, params, settings, source, null).rows();
            schema = predicted.schema();
            rows = predicted.collectAsList();
        } finally {
            source.unpersist();
        }
        return wh.spark().createDataFrame(rows, schema);
    }

    /**
     * The periods in which the model table {@code spec}, built by period, differs from the whole
     * table fitted anew from its inputs' current versions, or null when it does not.
     */
    static String differenceFromWhole(final Warehouse wh, final TableSpec spec) {
        final ModelParams params = spec.params(ModelParams.class);
        final Map<String, Double> settings = settings(CollectionConverters.asJava(wh.spark().conf().getAll()),
                QueryInputs.builtIns(wh), spec, params);
        return SqlJob.differences(wh.readCurrent(spec.name()), whole(wh, spec, params, settings, inputs(wh, spec, params, settings)),
                spec.period());
    }

    /** The inputs pinned and the fingerprint of a build: the source, its vars, the model kind, segments and settings. */
    private static QueryInputs inputs(final Warehouse wh, final TableSpec spec, final ModelParams params,
            final Map<String, Double> settings) {
        return QueryInputs.prepare(wh, spec, params.source(), params.vars(),
                LOGIC_VERSION + "\n" + params.modelKind() + "\n" + params.segmentBy() + "\n" + new TreeMap<>(settings)
                        + (params.features().isEmpty() ? "" : "\n" + params.features()));
    }

    /**
     * The schema of the table the job writes from a source of this schema, worked out on no rows
     * (nothing is fitted): {@code source} is the source query's result, typically over empty inputs.
     */
    static StructType outputSchema(final SparkSession spark, final TableSpec spec, final Dataset<Row> source) {
        final ModelParams params = spec.params(ModelParams.class);
        final Map<String, Double> settings = settings(CollectionConverters.asJava(spark.conf().getAll()),
                SqlText.BuiltIns.CHECKING, spec, params);
        final Dataset<Row> none = source.limit(0);
        if (ModelParams.SBG.equals(params.modelKind())) {
            return RetentionModels.project(spec, params, settings, none.schema(), List.of(), List.of()).schema();
        }
        return perAsOf(spark, spec, params, settings, none, null).rows().schema();
    }

    /**
     * The predictions of a model fitted per as-of date (customer value, win probability) for the source's
     * rows matching {@code predicate} (all when null): a plan, run when written.
     */
    private static CustomerValueModels.Predicted perAsOf(final SparkSession spark, final TableSpec spec, final ModelParams params,
            final Map<String, Double> settings, final Dataset<Row> source, final String predicate) {
        if (ModelParams.WIN_PROBABILITY.equals(params.modelKind())) {
            return WinProbabilityModels.predict(spark, spec, params, settings, source, predicate);
        }
        return CustomerValueModels.predict(spark, spec, params, settings, predicate == null ? source : source.where(predicate));
    }

    /** Settings with vars substituted (spec defaults overridden by --conf kamw.var.NAME). */
    private static Map<String, Double> settings(final Map<String, String> conf, final SqlText.BuiltIns builtIns,
            final TableSpec spec, final ModelParams params) {
        final Map<String, String> values = SqlText.resolve(params.vars(), conf, builtIns,
                params.settings().values().toArray(String[]::new));
        final Map<String, Double> out = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : params.settings().entrySet()) {
            final String text = SqlText.substitute(e.getValue(), values);
            try {
                out.put(e.getKey(), ModelParams.number(e.getKey(), text));
            } catch (final IllegalArgumentException ex) {
                throw new KamwException(spec.origin() + ", model.settings." + e.getKey() + ": " + ex.getMessage()
                        + " (check --conf " + SqlText.VAR_CONF_PREFIX + "...)");
            }
        }
        return out;
    }

    // --------------------------------------------------------------------------------------- helpers

    /** The segment a row's fit belongs to, e.g. {@code crm_tier=A}; {@code all} without segment columns. */
    static Column segmentLabel(final List<String> segmentBy) {
        if (segmentBy.isEmpty()) {
            return lit(ModelFits.POOLED);
        }
        final List<Column> parts = new ArrayList<>();
        for (final String c : segmentBy) {
            parts.add(org.apache.spark.sql.functions.concat(lit(c + "="), coalesce(col("`" + c + "`").cast(DataTypes.StringType), lit("(none)"))));
        }
        return concat_ws(", ", parts.toArray(Column[]::new));
    }

    static final String SEGMENT = "_segment_label";

    static void require(final TableSpec spec, final StructType schema, final String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new KamwException(spec.origin() + ": the model source returns no column '" + column + "' (it returns "
                    + String.join(", ", schema.fieldNames()) + "); a " + spec.params(ModelParams.class).modelKind()
                    + " model needs it");
        }
    }

    @Override
    public QueryInputs prepared(final Warehouse wh, final TableSpec spec) {
        final ModelParams params = spec.params(ModelParams.class);
        final Map<String, Double> settings = settings(CollectionConverters.asJava(wh.spark().conf().getAll()),
                QueryInputs.builtIns(wh), spec, params);
        return inputs(wh, spec, params, settings);
    }
}
