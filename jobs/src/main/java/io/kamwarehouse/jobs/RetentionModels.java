package io.kamwarehouse.jobs;

import static io.kamwarehouse.jobs.ModelJob.require;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.models.FitOptions;
import io.kamwarehouse.models.ShiftedBetaGeometricModel;
import io.kamwarehouse.spec.ModelParams;
import io.kamwarehouse.spec.TableSpec;

/**
 * The retention model of a {@link ModelJob}: sBG (shifted beta-geometric) fitted per segment and
 * as-of date over the segment's cohorts, and each cohort's survival and retention projected from
 * it. Cohort tables are small, so both run on the driver.
 */
final class RetentionModels {

    private RetentionModels() {
    }

    /** The rows written and a one-line account of the fits. */
    record Output(List<Row> rows, StructType schema, String summary) {
    }

    /**
     * sBG per segment and as-of date over the cohorts of the segment. Source columns: {@code as_of_date},
     * {@code cohort}, {@code period} (1, 2, ...: contract periods since the cohort started),
     * {@code initial_count} (the cohort's size), {@code survivors} (still active at the end of the period;
     * null when not known yet), {@code observed} (true when the period had ended by the as-of date: only
     * those periods are fitted; later ones with known survivors are the forecast-vs-actual check), the
     * segment columns, and any others (kept as they are). Periods up to {@code projection_periods} that
     * the source does not have are added as projection rows.
     */
    static Output project(final TableSpec spec, final ModelParams params, final Map<String, Double> settings,
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
        final double penalty = settings.get("regularisation");
        final List<String> notes = new ArrayList<>();
        for (final Map.Entry<Object, Map<String, Map<Object, TreeMap<Integer, Row>>>> g : groups.entrySet()) {
            final Object asOf = g.getKey();
            final List<Map<Object, TreeMap<Integer, Row>>> allSegments = new ArrayList<>(g.getValue().values());
            final Cohorts pooledData = Cohorts.of(spec, allSegments, iInitial, iSurv, iObs);
            final ModelFits.Fit<ShiftedBetaGeometricModel> pooled = ModelFits.pooled(table, "sbg", asOf, pooledData.total,
                    minCustomers, "customers", o -> ShiftedBetaGeometricModel.fitCohorts(pooledData.survivors, pooledData.initial, o),
                    options, penalty);
            seconds += pooled.fitSeconds();
            fits++;
            for (final Map.Entry<String, Map<Object, TreeMap<Integer, Row>>> s : g.getValue().entrySet()) {
                final ModelFits.Fit<ShiftedBetaGeometricModel> f;
                if (params.segmentBy().isEmpty()) {
                    f = pooled;
                } else {
                    final Cohorts data = Cohorts.of(spec, List.of(s.getValue()), iInitial, iSurv, iObs);
                    f = ModelFits.segment(table, "sbg", s.getKey(), asOf, data.total, minCustomers, "customers", pooled,
                            o -> ShiftedBetaGeometricModel.fitCohorts(data.survivors, data.initial, o), options);
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
        return new Output(out, new StructType(fields.stream().map(RetentionModels::nullable).toArray(StructField[]::new)),
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
}
