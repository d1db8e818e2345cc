package io.kamwarehouse.jobs;

import static io.kamwarehouse.jobs.ModelJob.require;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.spec.ModelParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * The win-probability model of a {@link ModelJob}: a logistic regression of won against lost, fitted
 * at every as-of date of the source on the rows whose outcome was known by then, and applied to that
 * date's rows, each with the features that moved it most. A training set of up to
 * {@value #DRIVER_FIT_ROWS} rows is fitted on the driver ({@link LogisticFit}, MLlib's objective by
 * Newton's method); a larger one by Spark MLlib's {@code LogisticRegression}, a Spark job per iteration.
 *
 * <p>Source columns: {@code as_of_date} (when the row's prediction is made), {@code label} (true
 * when the deal was won, false when lost, null while open), {@code label_date} (when the outcome
 * became known: the close date), the declared features, and any others (kept as they are). The fit
 * at date D learns from the rows with {@code as_of_date <= D} and {@code label_date <= D}: only what
 * was known at D, so a row's prediction never saw its own outcome and past predictions stay as they
 * were made. {@code label} and {@code label_date} are not written: the table holds what was known at
 * each as-of date, and an outcome arriving later changes only later fits.
 *
 * <p>Features: numbers enter as they are (standardised for the fit, which reports
 * coefficients on the original scale); strings and booleans one-hot over every value the source
 * holds (a value a fit never saw in training gets a zero coefficient). A row's reasons are the
 * features' contributions to its log-odds against the average training row of its fit,
 * {@code coef x (x - mean)} summed over a feature's levels, largest first.
 *
 * <p>Fits are deterministic: the training rows are sorted and fitted in one partition, so the same
 * rows give the same coefficients to the last digit however the source's files were written.
 */
final class WinProbabilityModels {

    static final String MODEL = "logistic_regression";
    /**
     * The most rows with a known outcome fitted on the driver ({@link LogisticFit}: a few milliseconds a fit);
     * a larger training set is fitted by MLlib, a Spark job per iteration. 0 fits every model by MLlib.
     */
    static final String DRIVER_FIT_ROWS_CONF = "kamw.model.driverFitRows";
    static final long DRIVER_FIT_ROWS = 200_000;
    private static final String FEATURES = "_features";

    private WinProbabilityModels() {
    }

    /**
     * Fits at every as-of date of the source's rows matching {@code scorePredicate} (all rows when null)
     * and predicts those rows; every row of the source is available to train on.
     */
    static CustomerValueModels.Predicted predict(final SparkSession spark, final TableSpec spec, final ModelParams params,
            final Map<String, Double> settings, final Dataset<Row> source, final String scorePredicate) {
        final StructType schema = source.schema();
        for (final String c : List.of("as_of_date", "label", "label_date")) {
            require(spec, schema, c);
        }
        final List<String> features = params.features();
        for (final String c : features) {
            require(spec, schema, c);
        }
        final int minRows = (int) Math.round(settings.get("min_training_rows"));
        final int minPerOutcome = (int) Math.round(settings.get("min_rows_per_outcome"));
        final int maxIterations = Math.max(1, (int) Math.round(settings.get("max_iterations")));
        final double regularisation = settings.get("regularisation");
        final int reasons = (int) Math.round(settings.get("reasons"));
        final int refitMonths = Math.max(1, (int) Math.round(settings.get("refit_months")));

        // The encoding: every value of each categorical feature the source holds, in order.
        final List<Feature> encoding = new ArrayList<>();
        final List<String> categorical = new ArrayList<>();
        for (final String c : features) {
            final DataType t = schema.apply(c).dataType();
            if (t instanceof NumericType) {
                encoding.add(new Feature(c, null));
            } else if (t instanceof StringType || t instanceof BooleanType) {
                categorical.add(c);
                encoding.add(new Feature(c, List.of()));
            } else {
                throw new KamwException(spec.origin() + ", model.features: '" + c + "' is of type " + t.simpleString()
                        + "; a feature is a number (used as it is) or a string or boolean (one column per value)");
            }
        }
        if (!categorical.isEmpty()) {
            final Column[] values = categorical.stream().map(c -> org.apache.spark.sql.functions.sort_array(
                    org.apache.spark.sql.functions.collect_set(level(col("`" + c + "`")))).as(c)).toArray(Column[]::new);
            final Row levels = source.agg(values[0], Arrays.copyOfRange(values, 1, values.length)).first();
            for (int i = 0; i < encoding.size(); i++) {
                final Feature f = encoding.get(i);
                if (f.levels() != null) {
                    encoding.set(i, new Feature(f.name(), List.copyOf(levels.<String>getList(levels.fieldIndex(f.name())))));
                }
            }
        }
        final Encoding enc = new Encoding(encoding);

        // Training candidates: rows with a known outcome, their features as one vector, sorted (one order however the
        // source's files were written), kept for the fits; the driver holds only their dates and outcomes.
        final Column vector = org.apache.spark.ml.functions.array_to_vector(enc.vector()).as(FEATURES);
        final Dataset<Row> candidates = source.where("label IS NOT NULL AND label_date IS NOT NULL")
                .select(col("as_of_date"), col("label_date"), col("label").cast(DataTypes.DoubleType).as("label"), vector,
                        struct(features.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new)).as("_raw"))
                .orderBy(col("as_of_date"), col("label_date"), col("label"), col("_raw"))
                .drop("_raw")
                // checkpointed: each iteration of a fit is a Spark job whose tasks would otherwise carry the source
                // query's whole plan, and serialising it per iteration cost more than the fit; its blocks are freed when
                // the checkpoint is no longer referenced (Spark's context cleaner), the rows below do not read it
                .localCheckpoint(true);
        final List<Row> outcomes = candidates.select("as_of_date", "label_date", "label").collectAsList();
        // a training set that fits on the driver is fitted there, in the same order (see LogisticFit); a larger one by MLlib
        final long driverRows = Long.parseLong(spark.conf().get(DRIVER_FIT_ROWS_CONF, String.valueOf(DRIVER_FIT_ROWS)));
        final double[][] vectors = outcomes.size() <= driverRows ? localFeatures(candidates) : null;
        final Dataset<Row> scored = scorePredicate == null ? source : source.where(scorePredicate);
        final List<Object> asOfs = new ArrayList<>();
        for (final Row r : scored.select("as_of_date").distinct().orderBy("as_of_date").collectAsList()) {
            if (!r.isNullAt(0)) {
                asOfs.add(r.get(0));
            }
        }
        final List<Row> fitted = new ArrayList<>();
        final Map<LocalDate, Fit> fits = new LinkedHashMap<>();
        double seconds = 0;
        final List<String> notes = new ArrayList<>();
        for (final Object asOf : asOfs) {
            final LocalDate at = localDate(asOf);
            final LocalDate fitDate = fitDate(at, refitMonths);
            Fit fit = fits.get(fitDate);
            if (fit == null) {
                fit = fit(spec, enc, candidates, outcomes, vectors, fitDate, sameType(asOf, fitDate), minRows, minPerOutcome,
                        maxIterations, regularisation);
                fits.put(fitDate, fit);
                seconds += fit.seconds();
                if (fit.coefficients() == null && notes.size() < 2) {
                    notes.add(fitDate + ": " + fit.message());
                }
            }
            fitted.add(RowFactory.create(asOf, fit.asOf(), fit.key(), fit.intercept(), fit.coefficients(), fit.means(),
                    List.of(fit.row())));
        }
        final long usable = fits.values().stream().filter(f -> f.coefficients() != null).count();
        final StructType fitSchema = new StructType(new StructField[] {
            DataTypes.createStructField("_fit_as_of", schema.apply("as_of_date").dataType(), true),
            DataTypes.createStructField("fit_date", schema.apply("as_of_date").dataType(), true),
            DataTypes.createStructField("fit_key", DataTypes.StringType, false),
            DataTypes.createStructField("_intercept", DataTypes.DoubleType, true),
            DataTypes.createStructField("_coefficients", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
            DataTypes.createStructField("_means", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
            DataTypes.createStructField(ModelFits.COLUMN, DataTypes.createArrayType(ModelFits.FIT_TYPE), false)});
        final Dataset<Row> fitTable = spark.createDataFrame(fitted, fitSchema);
        final Dataset<Row> joined = scored.join(broadcast(fitTable), scored.col("as_of_date").eqNullSafe(fitTable.col("_fit_as_of")),
                "left");
        final String function = "kamw_win_probability_" + spec.name();
        spark.udf().register(function, new Prediction(enc, reasons), PREDICTION);
        final Column predicted = call_function(function, enc.vector(), enc.labels(schema), joined.col("_intercept"),
                joined.col("_coefficients"), joined.col("_means"));
        final List<Column> out = new ArrayList<>();
        for (final String c : schema.fieldNames()) {
            if (!c.equals("label") && !c.equals("label_date")) {
                out.add(joined.col("`" + c + "`"));
            }
        }
        out.add(col("_prediction.p_win"));
        out.add(col("_prediction.top_reasons"));
        out.add(joined.col("fit_date"));
        out.add(joined.col("fit_key"));
        out.add(joined.col(ModelFits.COLUMN));
        final Dataset<Row> rows = joined.withColumn("_prediction", predicted).select(out.toArray(Column[]::new));
        // the fits are done; the rows are a plan over the source, run when they are written
        return new CustomerValueModels.Predicted(rows, outcomes.size(), String.format(Locale.ROOT,
                "%d logistic regression fit(s) over %d as-of date(s) in %.2f s on %,d rows with a known outcome%s", usable,
                asOfs.size(), seconds, outcomes.size(), notes.isEmpty() ? "" : "; no fit at " + String.join("; ", notes)));
    }

    /** A categorical value as a level: null is its own level, shown as (none). */
    private static Column level(final Column c) {
        return org.apache.spark.sql.functions.coalesce(c.cast(DataTypes.StringType), lit(NONE));
    }

    private static final String NONE = "(none)";

    /** One fit: its coefficients on the encoded features, the training means, and its diagnostics. */
    private record Fit(String key, Object asOf, Double intercept, List<Double> coefficients, List<Double> means,
            Map<String, Double> parameters, Double logLikelihood, double rows, boolean converged, int iterations, double seconds,
            String message) {

        Row row() {
            return RowFactory.create(key, MODEL, ModelFits.POOLED, asOf, parameters, logLikelihood, rows, converged, iterations,
                    iterations, seconds, coefficients == null ? null : ModelFits.POOLED, message);
        }
    }

    /**
     * The fit at {@code fitDate} ({@code asOf}, the same date in the source's type): trained on the rows
     * of that date or earlier whose outcome was known by then.
     */
    private static Fit fit(final TableSpec spec, final Encoding enc, final Dataset<Row> candidates,
            final List<Row> outcomes, final double[][] features, final LocalDate fitDate, final Object asOf, final int minRows,
            final int minPerOutcome, final int maxIterations, final double regularisation) {
        final String key = ModelFits.key(spec.name(), MODEL, ModelFits.POOLED, asOf);
        long won = 0;
        long lost = 0;
        final List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            final Row r = outcomes.get(i);
            if (!localDate(r.get(0)).isAfter(fitDate) && !localDate(r.get(1)).isAfter(fitDate)) {
                rows.add(i);
                if (r.getDouble(2) > 0.5) {
                    won++;
                } else {
                    lost++;
                }
            }
        }
        final long n = won + lost;
        if (n < minRows || Math.min(won, lost) < minPerOutcome) {
            return new Fit(key, asOf, null, null, null, Map.of(), null, n, false, 0, 0.0, String.format(Locale.ROOT,
                    "too few outcomes known (%d won, %d lost; needs %d rows and %d of each): no fit, no predictions", won, lost,
                    minRows, minPerOutcome));
        }
        final long start = System.nanoTime();
        if (features != null) {
            final double[][] x = new double[rows.size()][];
            final double[] y = new double[rows.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = features[rows.get(i)];
                y[i] = outcomes.get(rows.get(i)).getDouble(2);
            }
            final LogisticFit.Result m = LogisticFit.fit(x, y, regularisation, maxIterations);
            return fitted(key, asOf, enc, m.intercept(), m.coefficients(), m.means(), m.loss(), n, won, lost, fitDate, m.iterations(),
                    m.converged(), (System.nanoTime() - start) / 1e9, "on the driver");
        }
        // one partition, in the candidates' order: the fit's sums run in one order, so the same rows give the same fit
        final Dataset<Row> train = candidates.where(col("as_of_date").leq(lit(fitDate)).and(col("label_date").leq(lit(fitDate))))
                .coalesce(1);
        final LogisticRegressionModel m = new LogisticRegression().setFamily("binomial").setFeaturesCol(FEATURES)
                .setLabelCol("label").setMaxIter(maxIterations).setRegParam(regularisation).setElasticNetParam(0.0)
                .setStandardization(true).fit(train);
        final Vector mean = (Vector) train.select(Summarizer.mean(col(FEATURES))).first().get(0);
        final double[] history = m.summary().objectiveHistory();
        final int iterations = m.summary().totalIterations();
        final double loss = history.length == 0 ? Double.NaN : history[history.length - 1];
        return fitted(key, asOf, enc, m.intercept(), m.coefficients().toArray(), mean.toArray(), loss, n, won, lost, fitDate,
                iterations, iterations < maxIterations, (System.nanoTime() - start) / 1e9, "by MLlib");
    }

    /** Collects the training candidates' feature vectors, in their order, for fits on the driver. */
    private static double[][] localFeatures(final Dataset<Row> candidates) {
        final List<Row> rows = candidates.select(FEATURES).collectAsList();
        final double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Vector) rows.get(i).get(0)).toArray();
        }
        return out;
    }

    /** A fit's record: its coefficients named by the model's columns, and what happened. */
    private static Fit fitted(final String key, final Object asOf, final Encoding enc, final double intercept, final double[] coef,
            final double[] means, final double loss, final long n, final long won, final long lost, final LocalDate fitDate,
            final int iterations, final boolean converged, final double seconds, final String where) {
        final Map<String, Double> parameters = new LinkedHashMap<>();
        parameters.put("intercept", intercept);
        final List<ModelColumn> columns = enc.columns();
        for (int j = 0; j < coef.length; j++) {
            // a value no training row had is not part of this fit (MLlib gives a constant column no coefficient): a
            // value first seen later leaves the fits before it as they were
            if (!columns.get(j).categorical() || means[j] != 0.0) {
                parameters.put(columns.get(j).name(), coef[j]);
            }
        }
        return new Fit(key, asOf, intercept, boxed(coef), boxed(means), parameters,
                Double.isFinite(loss) ? -loss * n : null, n, converged, iterations, seconds,
                String.format(Locale.ROOT, "trained %s on %d rows known by %s (%d won, %d lost), %d iterations, penalised log loss %.4f%s",
                        where, n, fitDate, won, lost, iterations, loss, converged ? "" : "; stopped at max_iterations"));
    }

    /** A date of the source (java.sql.Date, or LocalDate with the Java 8 time API on) as a LocalDate. */
    private static LocalDate localDate(final Object d) {
        return d instanceof java.sql.Date s ? s.toLocalDate() : (LocalDate) d;
    }

    /** {@code d} in the type of {@code like}, a date of the source. */
    private static Object sameType(final Object like, final LocalDate d) {
        return like instanceof java.sql.Date ? java.sql.Date.valueOf(d) : d;
    }

    /**
     * The fit an as-of date is scored with: the month end of the latest refit at or before it, refits falling on
     * the month ends whose month number counts in steps of {@code refitMonths} from January (3: March, June,
     * September, December); with 1, the as-of date's own month end.
     */
    static LocalDate fitDate(final LocalDate asOf, final int refitMonths) {
        final int index = asOf.getYear() * 12 + asOf.getMonthValue();
        final int fitIndex = index - index % refitMonths;
        final LocalDate first = LocalDate.of(Math.floorDiv(fitIndex - 1, 12), Math.floorMod(fitIndex - 1, 12) + 1, 1);
        final LocalDate end = first.withDayOfMonth(first.lengthOfMonth());
        return end.isAfter(asOf) ? asOf : end;
    }

    private static List<Double> boxed(final double[] v) {
        final List<Double> out = new ArrayList<>(v.length);
        for (final double d : v) {
            out.add(d);
        }
        return out;
    }

    /** A feature: numeric ({@code levels} null) or categorical with its levels in order. */
    record Feature(String name, List<String> levels) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** One of the model's columns: its name, and whether it is a categorical feature's value. */
    record ModelColumn(String name, boolean categorical) {
    }

    /** How the features become the model's columns, and back into reasons. */
    record Encoding(List<Feature> features) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The model's columns in order: a number's own name, a category's {@code name=value} per level. */
        List<ModelColumn> columns() {
            final List<ModelColumn> out = new ArrayList<>();
            for (final Feature f : features) {
                if (f.levels() == null) {
                    out.add(new ModelColumn(f.name(), false));
                } else {
                    f.levels().forEach(l -> out.add(new ModelColumn(f.name() + "=" + l, true)));
                }
            }
            return out;
        }

        /** The row's encoded features, an array of doubles (a null number is 0, its absence). */
        Column vector() {
            final List<Column> parts = new ArrayList<>();
            for (final Feature f : features) {
                final Column c = col("`" + f.name() + "`");
                if (f.levels() == null) {
                    parts.add(org.apache.spark.sql.functions.coalesce(c.cast(DataTypes.DoubleType), lit(0.0)));
                } else {
                    for (final String l : f.levels()) {
                        parts.add(org.apache.spark.sql.functions.when(level(c).equalTo(lit(l)), lit(1.0)).otherwise(lit(0.0)));
                    }
                }
            }
            return parts.isEmpty() ? array() : array(parts.toArray(Column[]::new));
        }

        /** The row's features as text for its reasons, one per feature. */
        Column labels(final StructType schema) {
            final List<Column> parts = new ArrayList<>();
            for (final Feature f : features) {
                final Column c = col("`" + f.name() + "`");
                final Column shown = f.levels() == null && schema.apply(f.name()).dataType() instanceof NumericType
                        && !(schema.apply(f.name()).dataType() instanceof org.apache.spark.sql.types.IntegralType)
                        ? org.apache.spark.sql.functions.format_number(c.cast(DataTypes.DoubleType), 2) : c.cast(DataTypes.StringType);
                parts.add(org.apache.spark.sql.functions.concat(lit(f.name() + "="),
                        org.apache.spark.sql.functions.coalesce(shown, lit(NONE))));
            }
            return array(parts.toArray(Column[]::new));
        }
    }

    private static final StructType PREDICTION = new StructType(new StructField[] {
        DataTypes.createStructField("p_win", DataTypes.DoubleType, true),
        DataTypes.createStructField("top_reasons", DataTypes.StringType, true)});

    /**
     * A row's probability of winning under its as-of date's fit, and its top reasons: the features whose
     * contribution to the log-odds, against the fit's average training row, is largest in size, each
     * as {@code feature=value (+0.85)}; null (both) where the as-of date has no fit.
     */
    static final class Prediction implements UDF5<scala.collection.Seq<Double>, scala.collection.Seq<String>, Double,
            scala.collection.Seq<Double>, scala.collection.Seq<Double>, Row> {

        private static final long serialVersionUID = 1L;
        private final Encoding enc;
        private final int reasons;

        Prediction(final Encoding enc, final int reasons) {
            this.enc = enc;
            this.reasons = reasons;
        }

        @Override
        public Row call(final scala.collection.Seq<Double> x, final scala.collection.Seq<String> labels, final Double intercept,
                final scala.collection.Seq<Double> coef, final scala.collection.Seq<Double> mean) {
            if (intercept == null || coef == null || mean == null) {
                return RowFactory.create(null, null);
            }
            double eta = intercept;
            final int nf = enc.features().size();
            final double[] contribution = new double[nf];
            int j = 0;
            for (int f = 0; f < nf; f++) {
                final Feature feature = enc.features().get(f);
                final int width = feature.levels() == null ? 1 : feature.levels().size();
                for (int k = 0; k < width; k++, j++) {
                    final double xj = x.apply(j);
                    final double bj = coef.apply(j);
                    eta += bj * xj;
                    contribution[f] += bj * (xj - mean.apply(j));
                }
            }
            final double p = 1.0 / (1.0 + Math.exp(-eta));
            final Integer[] order = new Integer[nf];
            for (int f = 0; f < nf; f++) {
                order[f] = f;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer f) -> -Math.abs(contribution[f])).thenComparing(f -> f));
            final List<String> top = new ArrayList<>();
            for (int i = 0; i < Math.min(reasons, nf); i++) {
                final int f = order[i];
                top.add(String.format(Locale.ROOT, "%s (%+.2f)", labels.apply(f), contribution[f]));
            }
            return RowFactory.create(p, String.join("; ", top));
        }
    }
}
