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
        final QueryInputs q = QueryInputs.prepare(wh, spec, params.source(), params.vars(),
                LOGIC_VERSION + "\n" + params.modelKind() + "\n" + params.segmentBy() + "\n" + new TreeMap<>(settings));
        if (!options.rebuild() && q.unchangedSinceLastBuild(wh, spec.name())) {
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
            q.withFingerprint(spark, () -> spark.createDataFrame(out.rows(), out.schema()).coalesce(1).write().format("delta")
                    .mode("overwrite").option("overwriteSchema", "true").save(wh.tablePath(spec.name())));
            read = rows.size();
            summary = out.summary();
        } else {
            // One row per customer and as-of date grows with the book: only the fits run on the driver (over
            // compact arrays), the predictions run in Spark against the fitted parameters.
            final Dataset<Row> cached = source.persist(StorageLevel.MEMORY_AND_DISK());
            try {
                final CustomerValueModels.Predicted out = CustomerValueModels.predict(spark, spec, params, settings, cached);
                q.withFingerprint(spark, () -> out.rows().write().format("delta").mode("overwrite")
                        .option("overwriteSchema", "true").save(wh.tablePath(spec.name())));
                read = out.read();
                summary = out.summary();
            } finally {
                cached.unpersist();
            }
        }
        final long written = QueryInputs.lastOutputRows(wh, spec.name());
        return new JobResult(spec.name(), RunRecord.SUCCEEDED, read, written, wh.version(spec.name()),
                q.inputs.versions(), String.format(Locale.ROOT, "recomputed: %,d rows; %s", written, summary));
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
        return CustomerValueModels.predict(spark, spec, params, settings, none).rows().schema();
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
}
