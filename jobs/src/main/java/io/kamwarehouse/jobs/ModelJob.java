package io.kamwarehouse.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
import org.apache.spark.sql.api.java.UDF11;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.models.BgNbdModel;
import io.kamwarehouse.models.CustomerLifetimeValue;
import io.kamwarehouse.models.FitOptions;
import io.kamwarehouse.models.GammaGammaModel;
import io.kamwarehouse.models.ShiftedBetaGeometricModel;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.runtime.WarehouseConfig;
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
 */
public final class ModelJob implements TableJob {

    static final String LOGIC_VERSION = "model-1";
    /** Months summed into the customer lifetime value column {@code clv_3y}. */
    static final int CLV_MONTHS = 36;
    private static final DataType MONEY = DataTypes.createDecimalType(18, 2);
    private static final double SLACK = 1e-9;

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
            final List<Row> labelled = source.select(col("*"), segmentLabel(params.segmentBy()).as(SEGMENT)).collectAsList();
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
            final Output out = retention(spec, params, settings, schema, rows, labels);
            q.withFingerprint(spark, () -> spark.createDataFrame(out.rows, out.schema).coalesce(1).write().format("delta")
                    .mode("overwrite").option("overwriteSchema", "true").save(wh.tablePath(spec.name())));
            read = rows.size();
            summary = out.summary;
        } else {
            // One row per customer and as-of date grows with the book: only the fits run on the driver (over
            // compact arrays), the predictions run in Spark against the fitted parameters.
            final Dataset<Row> cached = source.persist(StorageLevel.MEMORY_AND_DISK());
            try {
                final Predicted out = customerValue(spark, spec, params, settings, cached);
                q.withFingerprint(spark, () -> out.rows.write().format("delta").mode("overwrite")
                        .option("overwriteSchema", "true").save(wh.tablePath(spec.name())));
                read = out.read;
                summary = out.summary;
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
                SqlText.BuiltIns.forChecking(WarehouseConfig.DEFAULT_REPORTING_CURRENCY), spec, params);
        final Dataset<Row> none = source.limit(0);
        if (ModelParams.SBG.equals(params.modelKind())) {
            return retention(spec, params, settings, none.schema(), List.of(), List.of()).schema;
        }
        return customerValue(spark, spec, params, settings, none).rows.schema();
    }

    /** The rows to write (a plan, not yet run), the source rows read and a one-line account of the fits. */
    private record Predicted(Dataset<Row> rows, long read, String summary) {
    }

    /** The rows written and a one-line account of the fits. */
    private record Output(List<Row> rows, StructType schema, String summary) {
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

    // ------------------------------------------------------------------------------ customer value

    /**
     * BG/NBD and Gamma-Gamma per segment and as-of date. Source columns: {@code as_of_date},
     * {@code frequency} (repeat transactions), {@code recency} and {@code t} (first transaction to last, and
     * to the as-of date, in time units of {@code days_per_time_unit} days), {@code monetary_value} (mean value
     * of the repeat transactions), the segment columns, and any others (kept as they are).
     */
    private static Predicted customerValue(final SparkSession spark, final TableSpec spec, final ModelParams params,
            final Map<String, Double> settings, final Dataset<Row> source) {
        final StructType schema = source.schema();
        for (final String c : List.of("as_of_date", "frequency", "recency", "t", "monetary_value")) {
            require(spec, schema, c);
        }
        final int minCustomers = (int) Math.round(settings.get("min_segment_size"));
        final int minRepeat = (int) Math.round(settings.get("min_repeat_customers"));
        final double unitsPerMonth = CustomerLifetimeValue.DAYS_PER_MONTH / positive(spec, settings, "days_per_time_unit");
        final double horizon = settings.get("horizon_months");
        final CustomerLifetimeValue clv = CustomerLifetimeValue.withAnnualRate(CLV_MONTHS, settings.get("annual_discount_rate"),
                unitsPerMonth);
        // Only what the fits need comes to the driver: as-of date, segment and four numbers per customer.
        final Dataset<Row> labelled = source.withColumn(SEGMENT, segmentLabel(params.segmentBy()));
        final List<Row> compact = labelled.select(col("as_of_date"), col(SEGMENT), col("frequency"), col("recency"), col("t"),
                col("monetary_value")).collectAsList();
        // as-of -> segment -> row indexes
        final Map<Object, Map<String, List<Integer>>> groups = new LinkedHashMap<>();
        final double[][] xtm = new double[compact.size()][];
        for (int i = 0; i < compact.size(); i++) {
            final Row r = compact.get(i);
            xtm[i] = customer(spec, r, 2, 3, 4, 5);
            groups.computeIfAbsent(r.get(0), k -> new LinkedHashMap<>()).computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                    .add(i);
        }
        final String table = spec.name();
        final List<Row> fitted = new ArrayList<>();
        int fits = 0;
        int borrowed = 0;
        double seconds = 0;
        final List<String> notes = new ArrayList<>();
        final FitOptions options = FitOptions.defaults().withMinCustomers(1);
        for (final Map.Entry<Object, Map<String, List<Integer>>> g : groups.entrySet()) {
            final Object asOf = g.getKey();
            final List<Integer> all = g.getValue().values().stream().flatMap(List::stream).toList();
            final ModelFits.Fit<BgNbdModel> poolB = ModelFits.pooled(table, "bg_nbd", asOf, all.size(), minCustomers, "customers",
                    () -> fitBgNbd(xtm, all, options));
            final ModelFits.Fit<GammaGammaModel> poolG = ModelFits.pooled(table, "gamma_gamma", asOf, repeaters(xtm, all),
                    minRepeat, "repeat customers", () -> fitGammaGamma(xtm, all, options));
            seconds += poolB.fitSeconds() + poolG.fitSeconds();
            fits += 2;
            for (final Map.Entry<String, List<Integer>> s : g.getValue().entrySet()) {
                final List<Integer> idx = s.getValue();
                final ModelFits.Fit<BgNbdModel> fb;
                final ModelFits.Fit<GammaGammaModel> fg;
                if (params.segmentBy().isEmpty()) {
                    fb = poolB;
                    fg = poolG;
                } else {
                    fb = ModelFits.segment(table, "bg_nbd", s.getKey(), asOf, idx.size(), minCustomers, "customers", poolB,
                            () -> fitBgNbd(xtm, idx, options));
                    fg = ModelFits.segment(table, "gamma_gamma", s.getKey(), asOf, repeaters(xtm, idx), minRepeat,
                            "repeat customers", poolG, () -> fitGammaGamma(xtm, idx, options));
                    seconds += fb.fitSeconds() + fg.fitSeconds();
                    fits += 2;
                    borrowed += (ModelFits.POOLED.equals(fb.parametersFrom()) ? 1 : 0)
                            + (ModelFits.POOLED.equals(fg.parametersFrom()) ? 1 : 0);
                }
                for (final ModelFits.Fit<?> f : List.of(poolB, poolG, fb, fg)) {
                    if (!f.converged() && notes.size() < 3 && !notes.contains(f.message())) {
                        notes.add(f.segment() + " " + f.modelName() + ": " + f.message());
                    }
                }
                final List<Row> fitRows = new ArrayList<>(List.of(fb.toRow(), fg.toRow()));
                if (!params.segmentBy().isEmpty()) {
                    fitRows.add(poolB.toRow());
                    fitRows.add(poolG.toRow());
                }
                final BgNbdModel b = fb.model();
                final GammaGammaModel gg = fg.model();
                fitted.add(RowFactory.create(asOf, s.getKey(), fb.fitKey(), fg.fitKey(),
                        b == null ? null : b.r(), b == null ? null : b.alpha(), b == null ? null : b.a(), b == null ? null : b.b(),
                        gg == null ? null : gg.p(), gg == null ? null : gg.q(), gg == null ? null : gg.v(), fitRows));
            }
        }
        final List<StructField> fitFields = new ArrayList<>();
        fitFields.add(DataTypes.createStructField("_fit_as_of", schema.apply("as_of_date").dataType(), true));
        fitFields.add(DataTypes.createStructField("_fit_segment", DataTypes.StringType, false));
        for (final String c : List.of("bgnbd_fit_key", "gamma_gamma_fit_key")) {
            fitFields.add(DataTypes.createStructField(c, DataTypes.StringType, false));
        }
        for (final String c : FIT_PARAMETERS) {
            fitFields.add(DataTypes.createStructField(c, DataTypes.DoubleType, true));
        }
        fitFields.add(DataTypes.createStructField(ModelFits.COLUMN, DataTypes.createArrayType(ModelFits.FIT_TYPE), false));
        final Dataset<Row> fitTable = spark.createDataFrame(fitted, new StructType(fitFields.toArray(new StructField[0])));

        final Dataset<Row> joined = labelled.join(broadcast(fitTable), labelled.col("as_of_date").eqNullSafe(fitTable.col("_fit_as_of"))
                .and(labelled.col(SEGMENT).equalTo(fitTable.col("_fit_segment"))), "inner");
        final List<Column> args = new ArrayList<>();
        for (final String c : List.of("frequency", "recency", "t", "monetary_value")) {
            args.add(joined.col(c).cast(DataTypes.DoubleType));
        }
        FIT_PARAMETERS.forEach(c -> args.add(joined.col(c)));
        // A Java UDF is registered by name (typed, so nulls arrive as nulls); the name is the table's, as the
        // settings it carries are.
        final String function = "kamw_predict_" + spec.name();
        spark.udf().register(function, new Prediction(horizon, unitsPerMonth, clv), PREDICTION);
        final Column predicted = call_function(function, args.toArray(Column[]::new));
        final List<Column> out = new ArrayList<>();
        for (final String c : schema.fieldNames()) {
            out.add(joined.col(c));
        }
        out.add(joined.col(SEGMENT).as("segment"));
        out.add(joined.col("bgnbd_fit_key"));
        out.add(joined.col("gamma_gamma_fit_key"));
        FIT_PARAMETERS.forEach(c -> out.add(joined.col(c)));
        out.add(col("_prediction.p_alive"));
        out.add(col("_prediction.expected_transactions"));
        out.add(lit(horizon).as("horizon_months"));
        out.add(col("_prediction.expected_value_per_transaction"));
        out.add(col("_prediction.expected_value_amount"));
        out.add(col("_prediction.clv_3y"));
        out.add(joined.col(ModelFits.COLUMN));
        final Dataset<Row> rows = joined.withColumn("_prediction", predicted).select(out.toArray(Column[]::new));
        return new Predicted(rows, compact.size(), String.format(Locale.ROOT,
                "%d fits over %d as-of date(s) in %.2f s, %d segment fit(s) borrowed the pooled fit%s", fits, groups.size(),
                seconds, borrowed, notes.isEmpty() ? "" : "; not converged: " + String.join("; ", notes)));
    }

    /** The segment a row's fit belongs to, e.g. {@code crm_tier=A}; {@code all} without segment columns. */
    private static Column segmentLabel(final List<String> segmentBy) {
        if (segmentBy.isEmpty()) {
            return lit(ModelFits.POOLED);
        }
        final List<Column> parts = new ArrayList<>();
        for (final String c : segmentBy) {
            parts.add(org.apache.spark.sql.functions.concat(lit(c + "="), coalesce(col("`" + c + "`").cast(DataTypes.StringType), lit("(none)"))));
        }
        return concat_ws(", ", parts.toArray(Column[]::new));
    }

    private static final String SEGMENT = "_segment_label";
    private static final List<String> FIT_PARAMETERS = List.of("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "gg_p", "gg_q",
            "gg_v");
    private static final StructType PREDICTION = new StructType(new StructField[] {
        DataTypes.createStructField("p_alive", DataTypes.DoubleType, true),
        DataTypes.createStructField("expected_transactions", DataTypes.DoubleType, true),
        DataTypes.createStructField("expected_value_per_transaction", MONEY, true),
        DataTypes.createStructField("expected_value_amount", MONEY, true),
        DataTypes.createStructField("clv_3y", MONEY, true)});

    /**
     * One customer's predictions from the fitted parameters of its segment and as-of date: the
     * probability it is alive, the transactions expected over the horizon, the expected value per
     * transaction, their product and the discounted CLV (null where a model was not fitted or the
     * expected spend does not exist).
     */
    private static final class Prediction implements UDF11<Double, Double, Double, Double, Double, Double, Double, Double,
            Double, Double, Double, Row> {
        private static final long serialVersionUID = 1L;
        private final double horizon;
        private final double unitsPerMonth;
        private final CustomerLifetimeValue clv;

        Prediction(final double horizon, final double unitsPerMonth, final CustomerLifetimeValue clv) {
            this.horizon = horizon;
            this.unitsPerMonth = unitsPerMonth;
            this.clv = clv;
        }

        @Override
        public Row call(final Double frequency, final Double recency, final Double t, final Double monetary, final Double r,
                final Double alpha, final Double a, final Double bb, final Double p, final Double q, final Double v) {
            final BgNbdModel b = r == null ? null : new BgNbdModel(r, alpha, a, bb);
            final GammaGammaModel g = p == null ? null : new GammaGammaModel(p, q, v);
            // as customer() normalised them on the driver, where every row was checked
            final double x = Math.rint(frequency);
            final double tx = x == 0 ? 0 : Math.min(recency, t);
            final double m = monetary == null ? Double.NaN : monetary;
            Double pAlive = null;
            Double expected = null;
            if (b != null) {
                pAlive = b.probabilityAlive(x, tx, t);
                expected = b.conditionalExpectedTransactions(horizon * unitsPerMonth, x, tx, t);
            }
            Double spend = null;
            if (x > 0 && !(m > 0)) {
                // a repeat customer whose mean value is zero or negative is outside the Gamma-Gamma model: her own mean
                spend = Double.isFinite(m) ? m : null;
            } else if (g != null) {
                final double s = g.conditionalExpectedAverageSpend(x, x > 0 ? m : 1.0);
                spend = Double.isFinite(s) ? s : null;
            }
            final Double value = expected != null && spend != null ? expected * spend : null;
            final Double life = b != null && spend != null ? clv.value(b, x, tx, t, spend) : null;
            return RowFactory.create(pAlive, expected, money(spend), money(value), money(life));
        }
    }

    private static double[] customer(final TableSpec spec, final Row r, final int iX, final int iTx, final int iT, final int iM) {
        final Double x = number(r, iX);
        final Double tx = number(r, iTx);
        final Double t = number(r, iT);
        final Double m = number(r, iM);
        if (x == null || tx == null || t == null || x < 0 || tx < 0 || t < 0 || Math.abs(x - Math.rint(x)) > SLACK) {
            throw new KamwException(spec.name() + ": source row " + r + " needs a whole frequency >= 0 and recency, t >= 0;"
                    + " fix the source query in " + spec.origin());
        }
        if (tx > t + SLACK || (x == 0 && tx > SLACK)) {
            throw new KamwException(spec.name() + ": source row " + r + " has recency " + tx + " > t " + t
                    + " or recency > 0 without repeat transactions; fix the source query in " + spec.origin());
        }
        return new double[] {Math.rint(x), x == 0 ? 0 : Math.min(tx, t), t, m == null ? Double.NaN : m};
    }

    private static Double number(final Row r, final int i) {
        return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
    }

    private static double repeaters(final double[][] xtm, final List<Integer> idx) {
        return idx.stream().filter(i -> xtm[i][0] > 0 && xtm[i][3] > 0).count();
    }

    private static io.kamwarehouse.models.FitResult<BgNbdModel> fitBgNbd(final double[][] xtm, final List<Integer> idx,
            final FitOptions options) {
        final double[] x = new double[idx.size()];
        final double[] tx = new double[idx.size()];
        final double[] t = new double[idx.size()];
        for (int k = 0; k < idx.size(); k++) {
            x[k] = xtm[idx.get(k)][0];
            tx[k] = xtm[idx.get(k)][1];
            t[k] = xtm[idx.get(k)][2];
        }
        return BgNbdModel.fit(x, tx, t, null, options);
    }

    /** Gamma-Gamma on the repeat customers with a positive mean value (a loss-making customer cannot be modelled). */
    private static io.kamwarehouse.models.FitResult<GammaGammaModel> fitGammaGamma(final double[][] xtm,
            final List<Integer> idx, final FitOptions options) {
        final List<Integer> use = idx.stream().filter(i -> xtm[i][0] > 0 && xtm[i][3] > 0).toList();
        final double[] x = new double[use.size()];
        final double[] m = new double[use.size()];
        for (int k = 0; k < use.size(); k++) {
            x[k] = xtm[use.get(k)][0];
            m[k] = xtm[use.get(k)][3];
        }
        return GammaGammaModel.fit(x, m, null, options);
    }

    // ------------------------------------------------------------------------------------ retention

    /**
     * sBG per segment and as-of date over the cohorts of the segment. Source columns: {@code as_of_date},
     * {@code cohort}, {@code period} (1, 2, ...: contract periods since the cohort started),
     * {@code initial_count} (the cohort's size), {@code survivors} (still active at the end of the period;
     * null when not known yet), {@code observed} (true when the period had ended by the as-of date: only
     * those periods are fitted; later ones with known survivors are the forecast-vs-actual check), the
     * segment columns, and any others (kept as they are). Periods up to {@code projection_periods} that
     * the source does not have are added as projection rows.
     */
    private static Output retention(final TableSpec spec, final ModelParams params, final Map<String, Double> settings,
            final StructType schema, final List<Row> rows, final List<String> labels) {
        for (final String c : List.of("as_of_date", "cohort", "period", "initial_count", "survivors", "observed")) {
            require(spec, schema, c);
        }
        final int minCustomers = (int) Math.round(settings.get("min_segment_size"));
        final int projection = (int) Math.round(settings.get("projection_periods"));
        final double discount = settings.get("discount_rate");
        final int iAsOf = schema.fieldIndex("as_of_date");
        final int iCohort = schema.fieldIndex("cohort");
        final int iPeriod = schema.fieldIndex("period");
        final int iInitial = schema.fieldIndex("initial_count");
        final int iSurv = schema.fieldIndex("survivors");
        final int iObs = schema.fieldIndex("observed");
        // as-of -> segment -> cohort -> period -> row
        final Map<Object, Map<String, Map<Object, TreeMap<Integer, Row>>>> groups = new LinkedHashMap<>();
        for (int n = 0; n < rows.size(); n++) {
            final Row r = rows.get(n);
            if (r.isNullAt(iPeriod) || r.isNullAt(iInitial) || ((Number) r.get(iPeriod)).intValue() < 1
                    || ((Number) r.get(iInitial)).longValue() < 1 || r.isNullAt(iCohort)) {
                throw new KamwException(spec.name() + ": source row " + r + " needs a cohort, a period >= 1 and an initial_count"
                        + " >= 1; fix the source query in " + spec.origin());
            }
            final Row prev = groups.computeIfAbsent(r.get(iAsOf), k -> new LinkedHashMap<>())
                    .computeIfAbsent(labels.get(n), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.get(iCohort), k -> new TreeMap<>()).put(((Number) r.get(iPeriod)).intValue(), r);
            if (prev != null) {
                throw new KamwException(spec.name() + ": the source gives period " + r.get(iPeriod) + " of cohort " + r.get(iCohort)
                        + " twice for one segment and as-of date; fix the source query in " + spec.origin());
            }
        }
        final String table = spec.name();
        final List<Row> out = new ArrayList<>();
        int fits = 0;
        int borrowed = 0;
        double seconds = 0;
        final FitOptions options = FitOptions.defaults().withMinCustomers(1);
        final List<String> notes = new ArrayList<>();
        for (final Map.Entry<Object, Map<String, Map<Object, TreeMap<Integer, Row>>>> g : groups.entrySet()) {
            final Object asOf = g.getKey();
            final List<Map<Object, TreeMap<Integer, Row>>> allSegments = new ArrayList<>(g.getValue().values());
            final Cohorts pooledData = Cohorts.of(spec, allSegments, iInitial, iSurv, iObs);
            final ModelFits.Fit<ShiftedBetaGeometricModel> pooled = ModelFits.pooled(table, "sbg", asOf, pooledData.total,
                    minCustomers, "customers", () -> ShiftedBetaGeometricModel.fitCohorts(pooledData.survivors,
                            pooledData.initial, options));
            seconds += pooled.fitSeconds();
            fits++;
            for (final Map.Entry<String, Map<Object, TreeMap<Integer, Row>>> s : g.getValue().entrySet()) {
                final ModelFits.Fit<ShiftedBetaGeometricModel> f;
                if (params.segmentBy().isEmpty()) {
                    f = pooled;
                } else {
                    final Cohorts data = Cohorts.of(spec, List.of(s.getValue()), iInitial, iSurv, iObs);
                    f = ModelFits.segment(table, "sbg", s.getKey(), asOf, data.total, minCustomers, "customers", pooled,
                            () -> ShiftedBetaGeometricModel.fitCohorts(data.survivors, data.initial, options));
                    seconds += f.fitSeconds();
                    fits++;
                    borrowed += ModelFits.POOLED.equals(f.parametersFrom()) ? 1 : 0;
                }
                if (!f.converged() && notes.size() < 3) {
                    notes.add(f.segment() + ": " + f.message());
                }
                final List<Row> fitRows = params.segmentBy().isEmpty() ? List.of(f.toRow()) : List.of(f.toRow(), pooled.toRow());
                for (final TreeMap<Integer, Row> cohort : s.getValue().values()) {
                    final Row any = cohort.firstEntry().getValue();
                    final int last = Math.max(projection, cohort.lastKey());
                    for (int p = 1; p <= last; p++) {
                        final Row src = cohort.get(p);
                        final Row base = src != null ? src : projectionRow(schema, any, p, params.segmentBy());
                        out.add(concat(base, predictCohortPeriod(s.getKey(), f, base, iInitial, iSurv, iObs, p, discount, fitRows)));
                    }
                }
            }
        }
        final List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        fields.add(DataTypes.createStructField("segment", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("sbg_fit_key", DataTypes.StringType, false));
        for (final String c : List.of("sbg_alpha", "sbg_beta", "projected_survival", "projected_survivors",
                "projected_retention_rate", "forecast_error", "expected_remaining_periods",
                "discounted_expected_remaining_periods")) {
            fields.add(DataTypes.createStructField(c, DataTypes.DoubleType, true));
        }
        fields.add(DataTypes.createStructField(ModelFits.COLUMN, DataTypes.createArrayType(ModelFits.FIT_TYPE), false));
        // the source's observed flag may be declared NOT NULL; projection rows carry false
        return new Output(out, new StructType(fields.stream().map(ModelJob::nullable).toArray(StructField[]::new)),
                String.format(Locale.ROOT, "%d sBG fits over %d as-of date(s) in %.2f s, %d segment fit(s) borrowed the pooled fit%s",
                        fits, groups.size(), seconds, borrowed, notes.isEmpty() ? "" : "; not converged: " + String.join("; ", notes)));
    }

    /** Observed survivor series of some cohorts, as the sBG fit takes them. */
    private record Cohorts(long[][] survivors, long[] initial, double total) {

        static Cohorts of(final TableSpec spec, final List<Map<Object, TreeMap<Integer, Row>>> segments, final int iInitial,
                final int iSurv, final int iObs) {
            final List<long[]> series = new ArrayList<>();
            final List<Long> initial = new ArrayList<>();
            double total = 0;
            for (final Map<Object, TreeMap<Integer, Row>> cohorts : segments) {
                for (final Map.Entry<Object, TreeMap<Integer, Row>> c : cohorts.entrySet()) {
                    final List<Long> s = new ArrayList<>();
                    final long n0 = ((Number) c.getValue().firstEntry().getValue().get(iInitial)).longValue();
                    for (int p = 1; ; p++) {
                        final Row r = c.getValue().get(p);
                        if (r == null || r.isNullAt(iObs) || !r.getBoolean(iObs)) {
                            break;
                        }
                        if (r.isNullAt(iSurv)) {
                            throw new KamwException(spec.name() + ": period " + p + " of cohort " + c.getKey()
                                    + " is observed but has no survivors; fix the source query in " + spec.origin());
                        }
                        s.add(((Number) r.get(iSurv)).longValue());
                    }
                    if (!s.isEmpty()) {
                        series.add(s.stream().mapToLong(Long::longValue).toArray());
                        initial.add(n0);
                        total += n0;
                    }
                }
            }
            return new Cohorts(series.toArray(new long[0][]), initial.stream().mapToLong(Long::longValue).toArray(), total);
        }
    }

    /** A period beyond the source's: as-of date, segment columns, cohort, period and initial count; the rest null. */
    private static Row projectionRow(final StructType schema, final Row like, final int period, final List<String> segmentBy) {
        final Object[] v = new Object[schema.size()];
        for (final String c : List.of("as_of_date", "cohort", "initial_count")) {
            v[schema.fieldIndex(c)] = like.get(schema.fieldIndex(c));
        }
        for (final String c : segmentBy) {
            v[schema.fieldIndex(c)] = like.get(schema.fieldIndex(c));
        }
        final int iPeriod = schema.fieldIndex("period");
        v[iPeriod] = schema.fields()[iPeriod].dataType().equals(DataTypes.LongType) ? (Object) (long) period : (Object) period;
        v[schema.fieldIndex("observed")] = false;
        return RowFactory.create(v);
    }

    private static Object[] predictCohortPeriod(final String segment, final ModelFits.Fit<ShiftedBetaGeometricModel> f,
            final Row base, final int iInitial, final int iSurv, final int iObs, final int period, final double discount,
            final List<Row> fitRows) {
        final ShiftedBetaGeometricModel m = f.model();
        Double survival = null;
        Double survivors = null;
        Double retention = null;
        Double error = null;
        Double remaining = null;
        Double discounted = null;
        if (m != null) {
            survival = m.survival(period);
            survivors = survival * ((Number) base.get(iInitial)).doubleValue();
            retention = m.retentionRate(period);
            if (!base.isNullAt(iSurv)) {
                error = survivors - ((Number) base.get(iSurv)).doubleValue();
            }
            // an account in its t-th period has made t - 1 renewals
            final double r = m.expectedResidualLifetime(period - 1);
            remaining = Double.isFinite(r) ? r : null;
            discounted = m.discountedExpectedResidualLifetime(discount, period - 1);
        }
        return new Object[] {segment, f.fitKey(), m == null ? null : m.alpha(), m == null ? null : m.beta(), survival, survivors,
            retention, error, remaining, discounted, fitRows};
    }

    // --------------------------------------------------------------------------------------- helpers

    private static void require(final TableSpec spec, final StructType schema, final String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new KamwException(spec.origin() + ": the model source returns no column '" + column + "' (it returns "
                    + String.join(", ", schema.fieldNames()) + "); a " + spec.params(ModelParams.class).modelKind()
                    + " model needs it");
        }
    }

    private static double positive(final TableSpec spec, final Map<String, Double> settings, final String name) {
        final double v = settings.get(name);
        if (!(v > 0)) {
            throw new KamwException(spec.origin() + ", model.settings." + name + " must be > 0, got " + v);
        }
        return v;
    }

    private static StructField nullable(final StructField f) {
        return new StructField(f.name(), f.dataType(), true, f.metadata());
    }

    private static Row concat(final Row row, final Object[] added) {
        final Object[] v = new Object[row.size() + added.length];
        for (int i = 0; i < row.size(); i++) {
            v[i] = row.get(i);
        }
        System.arraycopy(added, 0, v, row.size(), added.length);
        return RowFactory.create(v);
    }

    private static BigDecimal money(final Double v) {
        return v == null || !Double.isFinite(v) ? null : BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
    }
}
