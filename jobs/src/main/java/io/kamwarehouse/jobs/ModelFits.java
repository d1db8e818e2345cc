package io.kamwarehouse.jobs;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.models.FitOptions;
import io.kamwarehouse.models.FitResult;

/**
 * The fits of one model job: one per model x segment x as-of date, each with its diagnostics, and
 * the rule that a segment too small to fit, or whose fit does not converge, borrows the pooled fit
 * of its as-of date (all segments together) and says so in its message. Every output row carries
 * the fits it used in the column {@value #COLUMN}, from which {@code mart_model_fit} is a query.
 */
final class ModelFits {

    /** Output column holding the fits a row's predictions come from (its segment's, and the pooled ones). */
    static final String COLUMN = "_model_fits";
    /** Segment label of the pooled fit. */
    static final String POOLED = "all";

    static final StructType FIT_TYPE = new StructType(new StructField[] {
        DataTypes.createStructField("fit_key", DataTypes.StringType, false),
        DataTypes.createStructField("model", DataTypes.StringType, false),
        DataTypes.createStructField("segment", DataTypes.StringType, false),
        DataTypes.createStructField("as_of_date", DataTypes.DateType, true),
        DataTypes.createStructField("parameters", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true),
        DataTypes.createStructField("log_likelihood", DataTypes.DoubleType, true),
        DataTypes.createStructField("sample_size", DataTypes.DoubleType, false),
        DataTypes.createStructField("converged", DataTypes.BooleanType, false),
        DataTypes.createStructField("iterations", DataTypes.IntegerType, false),
        DataTypes.createStructField("evaluations", DataTypes.IntegerType, false),
        DataTypes.createStructField("fit_seconds", DataTypes.DoubleType, false),
        DataTypes.createStructField("parameters_from", DataTypes.StringType, true),
        DataTypes.createStructField("message", DataTypes.StringType, false)});

    private ModelFits() {
    }

    /**
     * One fit as used by the rows of a segment.
     *
     * @param model          the fitted model to predict with, or null when there is none (then predictions are null)
     * @param parametersFrom the segment whose fit the parameters are ({@link #POOLED} when borrowed), null when none
     */
    record Fit<M>(String fitKey, String modelName, String segment, Object asOf, M model, Map<String, Double> parameters,
            Double logLikelihood, double sampleSize, boolean converged, int iterations, int evaluations, double fitSeconds,
            String parametersFrom, String message) {

        Row toRow() {
            return RowFactory.create(fitKey, modelName, segment, asOf, parameters, logLikelihood, sampleSize, converged,
                    iterations, evaluations, fitSeconds, parametersFrom, message);
        }
    }

    /** The outcome of fitting a segment: the result, or why no fit was attempted or possible. */
    record Attempt<M>(FitResult<M> result, String refusal, double seconds) {
    }

    /** Fits, timing it; an {@link IllegalArgumentException} from the model is a refusal with its message. */
    static <M> Attempt<M> attempt(final Supplier<FitResult<M>> fit) {
        final long start = System.nanoTime();
        try {
            final FitResult<M> r = fit.get();
            return new Attempt<>(r, null, (System.nanoTime() - start) / 1e9);
        } catch (final IllegalArgumentException e) {
            return new Attempt<>(null, e.getMessage(), (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The pooled fit of an as-of date: its own parameters, or none with the reason. It alone is
     * regularised: fitted plainly first, and again with {@code penalty} on the log-parameters when that
     * does not converge ({@link FitResult#regularisedIfNeeded}). Segments are never regularised: one whose
     * own fit does not converge borrows the pooled fit, where a penalty would make any segment converge,
     * one without the data to say anything included, on the prior alone.
     */
    static <M> Fit<M> pooled(final String table, final String modelName, final Object asOf, final double n, final int min,
            final String unit, final Function<FitOptions, FitResult<M>> fit, final FitOptions options, final double penalty) {
        final String key = key(table, modelName, POOLED, asOf);
        if (n < min) {
            return new Fit<>(key, modelName, POOLED, asOf, null, Map.of(), null, n, false, 0, 0, 0.0, null,
                    String.format(Locale.ROOT, "too small (n=%s < %d %s): no fit, no predictions", count(n), min, unit));
        }
        final Attempt<M> a = attempt(() -> FitResult.regularisedIfNeeded(fit, options, penalty));
        if (a.result() == null) {
            return new Fit<>(key, modelName, POOLED, asOf, null, Map.of(), null, n, false, 0, 0, a.seconds(), null,
                    "cannot be fitted: " + a.refusal() + "; no predictions");
        }
        final FitResult<M> r = a.result();
        final boolean ok = r.converged();
        return new Fit<>(key, modelName, POOLED, asOf, ok ? r.model() : null, finite(r.parameters()), finite(r.logLikelihood()),
                n, ok, r.iterations(), r.evaluations(), a.seconds(), ok ? POOLED : null,
                ok ? r.message() : "did not converge: " + r.message() + "; no predictions");
    }

    /**
     * A segment's fit: its own when it is large enough and converges, else the pooled one with a
     * message saying why.
     */
    static <M> Fit<M> segment(final String table, final String modelName, final String segment, final Object asOf,
            final double n, final int min, final String unit, final Fit<M> pooled, final Function<FitOptions, FitResult<M>> fit,
            final FitOptions options) {
        final String key = key(table, modelName, segment, asOf);
        if (n < min) {
            return borrowed(key, modelName, segment, asOf, n, pooled, 0, 0, 0.0, null,
                    String.format(Locale.ROOT, "segment too small (n=%s < %d %s)", count(n), min, unit));
        }
        final Attempt<M> a = attempt(() -> fit.apply(options));
        if (a.result() == null) {
            return borrowed(key, modelName, segment, asOf, n, pooled, 0, 0, a.seconds(), null,
                    "segment cannot be fitted (" + a.refusal() + ")");
        }
        final FitResult<M> r = a.result();
        if (!r.converged()) {
            return borrowed(key, modelName, segment, asOf, n, pooled, r.iterations(), r.evaluations(), a.seconds(),
                    finite(r.logLikelihood()), "fit did not converge (" + r.message() + ")");
        }
        return new Fit<>(key, modelName, segment, asOf, r.model(), finite(r.parameters()), finite(r.logLikelihood()), n, true,
                r.iterations(), r.evaluations(), a.seconds(), segment, r.message());
    }

    private static <M> Fit<M> borrowed(final String key, final String modelName, final String segment, final Object asOf,
            final double n, final Fit<M> pooled, final int iterations, final int evaluations, final double seconds,
            final Double ll, final String why) {
        final boolean usable = pooled.model() != null;
        return new Fit<>(key, modelName, segment, asOf, pooled.model(), pooled.parameters(), ll, n, usable && pooled.converged(),
                iterations, evaluations, seconds, usable ? POOLED : null,
                why + (usable ? ": pooled fit used" : ": no pooled fit either (" + pooled.message() + "), no predictions"));
    }

    /** A stable key of a fit: table, model, segment and as-of date. */
    static String key(final String table, final String modelName, final String segment, final Object asOf) {
        try {
            final byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((table + "\n" + modelName + "\n" + segment + "\n" + asOf).getBytes(StandardCharsets.UTF_8));
            return String.format(Locale.ROOT, "%016x", ByteBuffer.wrap(d).getLong());
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Double> finite(final Map<String, Double> in) {
        final Map<String, Double> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, Double.isFinite(v) ? v : null));
        return out;
    }

    private static Double finite(final double v) {
        return Double.isFinite(v) ? v : null;
    }

    static String count(final double n) {
        return n == Math.rint(n) ? String.valueOf((long) n) : String.format(Locale.ROOT, "%.2f", n);
    }
}
