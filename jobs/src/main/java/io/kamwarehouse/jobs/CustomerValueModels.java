package io.kamwarehouse.jobs;

import static io.kamwarehouse.jobs.ModelJob.SEGMENT;
import static io.kamwarehouse.jobs.ModelJob.require;
import static io.kamwarehouse.jobs.ModelJob.segmentLabel;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

import io.kamwarehouse.KamwException;
import io.kamwarehouse.models.BgNbdModel;
import io.kamwarehouse.models.CustomerLifetimeValue;
import io.kamwarehouse.models.FitOptions;
import io.kamwarehouse.models.GammaGammaModel;
import io.kamwarehouse.spec.ModelParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * The customer value models of a {@link ModelJob}: BG/NBD (will the customer buy again, and how
 * often) and Gamma-Gamma (how much per purchase), fitted per segment and as-of date on the driver,
 * with the predictions (P(alive), expected transactions and value, discounted CLV) run in Spark.
 */
final class CustomerValueModels {

    /** Months summed into the customer lifetime value column {@code clv_3y}. */
    static final int CLV_MONTHS = 36;
    private static final DataType MONEY = DataTypes.createDecimalType(18, 2);
    private static final double SLACK = 1e-9;

    private CustomerValueModels() {
    }

    /** The rows to write (a plan, not yet run), the source rows read and a one-line account of the fits. */
    record Predicted(Dataset<Row> rows, long read, String summary) {
    }

    /**
     * BG/NBD and Gamma-Gamma per segment and as-of date. Source columns: {@code as_of_date},
     * {@code frequency} (repeat transactions), {@code recency} and {@code t} (first transaction to last, and
     * to the as-of date, in time units of {@code days_per_time_unit} days), {@code monetary_value} (mean value
     * of the repeat transactions), the segment columns, and any others (kept as they are).
     */
    static Predicted predict(final SparkSession spark, final TableSpec spec, final ModelParams params,
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
        // Only what the fits need comes to the driver: as-of date, segment and four numbers per customer, in one
        // order whatever the order of the source's files (a fit sums in that order, and the same customers must give
        // the same fit to the last digit, whether their table was written day by day or at once).
        final Dataset<Row> labelled = source.withColumn(SEGMENT, segmentLabel(params.segmentBy()));
        final Column[] fitColumns = {col("as_of_date"), col(SEGMENT), col("frequency"), col("recency"), col("t"), col("monetary_value")};
        final List<Row> compact = labelled.select(fitColumns).orderBy(fitColumns).collectAsList();
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
        final double penalty = settings.get("regularisation");
        for (final Map.Entry<Object, Map<String, List<Integer>>> g : groups.entrySet()) {
            final Object asOf = g.getKey();
            final List<Integer> all = g.getValue().values().stream().flatMap(List::stream).toList();
            final ModelFits.Fit<BgNbdModel> poolB = ModelFits.pooled(table, "bg_nbd", asOf, all.size(), minCustomers, "customers",
                    fitBgNbd(xtm, all), options, penalty);
            final ModelFits.Fit<GammaGammaModel> poolG = ModelFits.pooled(table, "gamma_gamma", asOf, repeaters(xtm, all),
                    minRepeat, "repeat customers", fitGammaGamma(xtm, all), options, penalty);
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
                            fitBgNbd(xtm, idx), options);
                    fg = ModelFits.segment(table, "gamma_gamma", s.getKey(), asOf, repeaters(xtm, idx), minRepeat,
                            "repeat customers", poolG, fitGammaGamma(xtm, idx), options);
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

    private static java.util.function.Function<FitOptions, io.kamwarehouse.models.FitResult<BgNbdModel>> fitBgNbd(
            final double[][] xtm, final List<Integer> idx) {
        final double[] x = new double[idx.size()];
        final double[] tx = new double[idx.size()];
        final double[] t = new double[idx.size()];
        for (int k = 0; k < idx.size(); k++) {
            x[k] = xtm[idx.get(k)][0];
            tx[k] = xtm[idx.get(k)][1];
            t[k] = xtm[idx.get(k)][2];
        }
        return o -> BgNbdModel.fit(x, tx, t, null, o);
    }

    /** Gamma-Gamma on the repeat customers with a positive mean value (a loss-making customer cannot be modelled). */
    private static java.util.function.Function<FitOptions, io.kamwarehouse.models.FitResult<GammaGammaModel>> fitGammaGamma(
            final double[][] xtm, final List<Integer> idx) {
        final List<Integer> use = idx.stream().filter(i -> xtm[i][0] > 0 && xtm[i][3] > 0).toList();
        final double[] x = new double[use.size()];
        final double[] m = new double[use.size()];
        for (int k = 0; k < use.size(); k++) {
            x[k] = xtm[use.get(k)][0];
            m[k] = xtm[use.get(k)][3];
        }
        return o -> GammaGammaModel.fit(x, m, null, o);
    }

    private static double positive(final TableSpec spec, final Map<String, Double> settings, final String name) {
        final double v = settings.get(name);
        if (!(v > 0)) {
            throw new KamwException(spec.origin() + ", model.settings." + name + " must be > 0, got " + v);
        }
        return v;
    }

    private static BigDecimal money(final Double v) {
        return v == null || !Double.isFinite(v) ? null : BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
    }
}
