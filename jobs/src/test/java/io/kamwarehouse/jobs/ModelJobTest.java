package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.KamwException;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.models.BgNbdModel;
import io.kamwarehouse.models.CustomerLifetimeValue;
import io.kamwarehouse.models.FitOptions;
import io.kamwarehouse.models.GammaGammaModel;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpec;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.spec.TableSpecException;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The {@code model} job on small input tables written directly: the sBG retention model on the
 * published worked example (Fader &amp; Hardie 2007), and BG/NBD with Gamma-Gamma per segment, with
 * the minimum-size and non-convergence rules, idempotent reruns and clear errors.
 */
class ModelJobTest {

    private static final String SBG_SPEC = """
            name: mart_test_retention
            layer: gold
            description: sBG on the paper's cohorts.
            grain: one row per as_of_date x segment x cohort x period
            keys: [as_of_date, plan, cohort, period]
            inputs: [stg_test__cohort_survivors]
            job: model
            model:
              kind: sbg
              vars: {min_segment_size: 30}
              source: |
                SELECT DATE'2007-12-31' AS as_of_date, plan, cohort, period, initial_count, survivors, observed
                FROM stg_test__cohort_survivors
              segment_by: [plan]
              settings: {min_segment_size: "${min_segment_size}", projection_periods: 12, discount_rate: 0.10}
            schedule: monthly
            owner: analytics
            checks:
              - unique: [as_of_date, plan, cohort, period]
              - not_null: [as_of_date, plan, cohort, period]
            """;

    private static final String CLV_SPEC = """
            name: fct_test_clv
            layer: gold
            description: BG/NBD and Gamma-Gamma per tier.
            grain: one row per account_id
            keys: [account_id]
            inputs: [stg_test__customer_summaries]
            job: model
            model:
              kind: bg_nbd_gamma_gamma
              vars: {min_segment_size: 50}
              source: |
                SELECT account_id, DATE'2026-09-30' AS as_of_date, tier, frequency, recency, t, monetary_value
                FROM stg_test__customer_summaries
              segment_by: [tier]
              settings:
                min_segment_size: ${min_segment_size}
                min_repeat_customers: 30
                horizon_months: 12
                annual_discount_rate: 0.10
            schedule: monthly
            owner: analytics
            checks:
              - unique: [account_id]
              - not_null: [account_id]
            """;

    /** Fader &amp; Hardie (2007), Table 1: customers of 1,000 still active at the end of years 1-7. */
    private static final long[] HIGH_END = {869, 743, 653, 593, 551, 517, 491};
    private static final long[] REGULAR = {631, 468, 382, 326, 289, 262, 241};

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static SparkSession spark;
    /** Customers of the BG/NBD fixture: tier, x, t_x, T, m. */
    private static final List<Object[]> CUSTOMERS = new ArrayList<>();

    @BeforeAll
    static void writeInputs() {
        ctx = SharedSpark.context(dir);
        spark = ctx.warehouse().spark();
        // sBG: both plans, years 1-7 observed; an 8th year arrives later (observed = false) for the forecast check.
        final List<Row> cohorts = new ArrayList<>();
        final long[][] series = {HIGH_END, REGULAR};
        final String[] plans = {"high_end", "regular"};
        final long[] eighth = {470, 225};
        for (int s = 0; s < 2; s++) {
            for (int t = 1; t <= 8; t++) {
                cohorts.add(RowFactory.create(plans[s], 2000, t, 1000L, t <= 7 ? series[s][t - 1] : eighth[s], t <= 7));
            }
        }
        write("stg_test__cohort_survivors", cohorts, new StructType().add("plan", DataTypes.StringType)
                .add("cohort", DataTypes.IntegerType).add("period", DataTypes.IntegerType)
                .add("initial_count", DataTypes.LongType).add("survivors", DataTypes.LongType)
                .add("observed", DataTypes.BooleanType));

        // BG/NBD: tier "large" 300 simulated buyers, "small" 12 of them, "quiet" 60 who never bought again.
        final MersenneTwister rng = new MersenneTwister(20260930L);
        final Random uniform = new Random(7);
        for (int i = 0; i < 312; i++) {
            CUSTOMERS.add(simulate(i < 300 ? "large" : "small", rng, uniform));
        }
        for (int i = 0; i < 60; i++) {
            CUSTOMERS.add(new Object[] {"quiet", 0.0, 0.0, 10.0 + i % 30, null});
        }
        final List<Row> rows = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS.size(); i++) {
            final Object[] c = CUSTOMERS.get(i);
            rows.add(RowFactory.create(String.format("KA-%04d", i), c[0], (int) (double) (Double) c[1], c[2], c[3],
                    c[4] == null ? null : BigDecimal.valueOf((Double) c[4]).setScale(4, RoundingMode.HALF_UP)));
        }
        write("stg_test__customer_summaries", rows, new StructType().add("account_id", DataTypes.StringType)
                .add("tier", DataTypes.StringType).add("frequency", DataTypes.IntegerType).add("recency", DataTypes.DoubleType)
                .add("t", DataTypes.DoubleType).add("monetary_value", DataTypes.createDecimalType(18, 4)));
    }

    /** One customer of a BG/NBD world with r = 1, alpha = 10, a = 1, b = 3 and Gamma-Gamma p = 6, q = 4, v = 20. */
    private static Object[] simulate(final String tier, final MersenneTwister rng, final Random uniform) {
        final double lambda = new GammaDistribution(rng, 1.0, 1.0 / 10.0).sample();
        final double g1 = new GammaDistribution(rng, 1.0, 1.0).sample();
        final double g2 = new GammaDistribution(rng, 3.0, 1.0).sample();
        final double dropout = g1 / (g1 + g2);
        final double nu = new GammaDistribution(rng, 4.0, 1.0 / 20.0).sample();
        final double bigT = 20 + uniform.nextInt(30);
        double time = 0;
        int x = 0;
        double last = 0;
        double spend = 0;
        while (true) {
            time += -Math.log(1 - uniform.nextDouble()) / lambda;
            if (time > bigT) {
                break;
            }
            x++;
            last = time;
            spend += new GammaDistribution(rng, 6.0, 1.0 / nu).sample();
            if (uniform.nextDouble() < dropout) {
                break;
            }
        }
        // times rounded to days, as a source query computing datediff / 7 gives them
        final double tx = Math.round(last * 7) / 7.0;
        return new Object[] {tier, (double) x, x == 0 ? 0.0 : tx, bigT, x == 0 ? null : Math.max(0.01, spend / x)};
    }

    private static void write(final String table, final List<Row> rows, final StructType schema) {
        spark.createDataFrame(rows, schema).coalesce(1).write().format("delta").mode("overwrite")
                .save(ctx.warehouse().tablePath(table));
    }

    private static TableSpec spec(final String name, final String yaml) {
        return TableSpecCatalog.parse("tables/gold/test/" + name + "/table.yaml", yaml);
    }

    private static Map<String, Row> fits(final String table) {
        final Map<String, Row> out = new HashMap<>();
        for (final Row r : spark.sql("SELECT f.* FROM (SELECT explode(_model_fits) AS f FROM delta.`"
                + ctx.warehouse().tablePath(table) + "`)").dropDuplicates("fit_key").collectAsList()) {
            out.put(r.<String>getAs("model") + "/" + r.<String>getAs("segment"), r);
        }
        return out;
    }

    private static double param(final Row fit, final String name) {
        return fit.<scala.collection.Map<String, Object>>getAs("parameters").get(name).map(v -> (Double) v).get();
    }

    // ------------------------------------------------------------------------------------------ sBG

    @Test
    void sbgReproducesThePublishedCohortsAndChecksTheForecastAgainstTheYearThatArrived() {
        final TableSpec spec = spec("mart_test_retention", SBG_SPEC);
        final JobResult result = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, result.status(), result.message());
        final Map<String, Row> fits = fits("mart_test_retention");
        // Fader & Hardie (2007): high end alpha = 0.668, beta = 3.806; regular alpha = 0.704, beta = 1.182.
        final Row high = fits.get("sbg/plan=high_end");
        final Row regular = fits.get("sbg/plan=regular");
        assertTrue(high.<Boolean>getAs("converged"), high.<String>getAs("message"));
        assertEquals(0.668, param(high, "alpha"), 0.0005);
        assertEquals(3.806, param(high, "beta"), 0.0005);
        assertEquals(0.704, param(regular, "alpha"), 0.0005);
        assertEquals(1.182, param(regular, "beta"), 0.0005);
        assertEquals("plan=high_end", high.getAs("parameters_from"));
        assertEquals(1000.0, high.<Double>getAs("sample_size"), 0.0);
        assertTrue(high.<Double>getAs("log_likelihood") < 0);
        assertTrue(fits.containsKey("sbg/all"), "the pooled fit is recorded too");

        // Rows: years 1-12 per plan (1-8 from the source, 9-12 projected).
        assertEquals(24, spark.read().format("delta").load(ctx.warehouse().tablePath("mart_test_retention")).count());
        final Row y8 = spark.sql("SELECT * FROM delta.`" + ctx.warehouse().tablePath("mart_test_retention")
                + "` WHERE plan = 'high_end' AND period = 8").first();
        // S(t) = prod_{i=1..t} (beta + i - 1)/(alpha + beta + i - 1), computed here from the fitted alpha, beta.
        final double a = y8.<Double>getAs("sbg_alpha");
        final double b = y8.<Double>getAs("sbg_beta");
        double s = 1;
        for (int i = 1; i <= 8; i++) {
            s *= (b + i - 1) / (a + b + i - 1);
        }
        assertEquals(s, y8.<Double>getAs("projected_survival"), 1e-9);
        assertEquals(1000 * s, y8.<Double>getAs("projected_survivors"), 1e-6);
        assertEquals((b + 7) / (a + b + 7), y8.<Double>getAs("projected_retention_rate"), 1e-12);
        assertEquals(1000 * s - 470, y8.<Double>getAs("forecast_error"), 1e-6, "year 8 forecast against its actual");
        assertFalse(y8.<Boolean>getAs("observed"));
        // With the paper's alpha = 0.668, beta = 3.806, 1000 x S(8) = 460.48 (worked out by hand) against 470 arrived.
        assertEquals(460.48, 1000 * s, 0.5);
        // alpha < 1: the mean remaining lifetime is infinite, so it is null; the discounted one is a finite sum.
        assertNull(y8.getAs("expected_remaining_periods"));
        double derl = 0;
        double ratio = 1;
        for (int k = 1; k < 5000; k++) {
            ratio *= (b + 7 + k - 1) / (a + b + 7 + k - 1);
            derl += ratio / Math.pow(1.10, k - 1);
        }
        assertEquals(derl, y8.<Double>getAs("discounted_expected_remaining_periods"), 1e-6);
        final Row y12 = spark.sql("SELECT * FROM delta.`" + ctx.warehouse().tablePath("mart_test_retention")
                + "` WHERE plan = 'regular' AND period = 12").first();
        assertNull(y12.getAs("survivors"), "a projected year has no actual");
        assertNull(y12.getAs("forecast_error"));
        assertEquals(1000L, y12.<Long>getAs("initial_count"));
    }

    // ---------------------------------------------------------------------------- BG/NBD + Gamma-Gamma

    /**
     * The fixture's customers of a tier (all when null) as the job fits them: in its one order, by
     * segment, frequency, recency, age and spend (a fit sums in that order).
     */
    private static double[][] columns(final String tier) {
        final java.util.Comparator<Object[]> order = java.util.Comparator.<Object[], String>comparing(c -> (String) c[0])
                .thenComparing(c -> (Double) c[1]).thenComparing(c -> (Double) c[2]).thenComparing(c -> (Double) c[3])
                .thenComparing(c -> c[4] == null ? Double.NEGATIVE_INFINITY : (Double) c[4]);
        final List<Object[]> in = CUSTOMERS.stream().filter(c -> tier == null || c[0].equals(tier)).sorted(order).toList();
        final double[][] out = new double[4][in.size()];
        for (int i = 0; i < in.size(); i++) {
            for (int k = 0; k < 3; k++) {
                out[k][i] = (Double) in.get(i)[k + 1];
            }
            out[3][i] = in.get(i)[4] == null ? 0 : BigDecimal.valueOf((Double) in.get(i)[4]).setScale(4, RoundingMode.HALF_UP)
                    .doubleValue();
        }
        return out;
    }

    private static GammaGammaModel gammaGamma(final String tier) {
        final double[][] c = columns(tier);
        return GammaGammaModel.fit(c[0], c[3], null, FitOptions.defaults().withMinCustomers(1)).requireConverged();
    }

    @Test
    void customerValueIsFittedPerSegmentAndSmallOrUnfittableSegmentsBorrowThePooledFit() {
        final TableSpec spec = spec("fct_test_clv", CLV_SPEC);
        final JobResult first = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, first.status(), first.message());
        assertEquals(372, first.rowsWritten());
        final Map<String, Row> fits = fits("fct_test_clv");
        assertEquals(8, fits.size(), "BG/NBD and Gamma-Gamma for three tiers and the pooled fit: " + fits.keySet());

        // The large tier is fitted on its own customers.
        final double[][] large = columns("large");
        final BgNbdModel own = BgNbdModel.fit(large[0], large[1], large[2], null, FitOptions.defaults().withMinCustomers(1))
                .requireConverged();
        final Row bLarge = fits.get("bg_nbd/tier=large");
        assertTrue(bLarge.<Boolean>getAs("converged"), bLarge.<String>getAs("message"));
        assertEquals("tier=large", bLarge.getAs("parameters_from"));
        assertEquals(own.r(), param(bLarge, "r"), 1e-9);
        assertEquals(own.alpha(), param(bLarge, "alpha"), 1e-9);
        assertEquals(300.0, bLarge.<Double>getAs("sample_size"), 0.0);
        assertTrue(bLarge.<Integer>getAs("iterations") > 0 && bLarge.<Double>getAs("fit_seconds") >= 0);

        // 12 customers are fewer than the minimum of 50: the pooled fit is used and the message says so.
        final double[][] all = columns(null);
        final BgNbdModel pooled = BgNbdModel.fit(all[0], all[1], all[2], null, FitOptions.defaults().withMinCustomers(1))
                .requireConverged();
        final Row bSmall = fits.get("bg_nbd/tier=small");
        assertEquals("segment too small (n=12 < 50 customers): pooled fit used", bSmall.getAs("message"));
        assertEquals("all", bSmall.getAs("parameters_from"));
        assertEquals(pooled.r(), param(bSmall, "r"), 1e-9);
        assertEquals(0, bSmall.<Integer>getAs("iterations"));
        assertNull(bSmall.getAs("log_likelihood"));

        // 60 customers who never bought again: BG/NBD cannot identify dropout; the fit does not converge.
        final Row bQuiet = fits.get("bg_nbd/tier=quiet");
        final String quietMessage = bQuiet.getAs("message");
        assertTrue(quietMessage.startsWith("fit did not converge (BG/NBD") && quietMessage.endsWith("): pooled fit used")
                && quietMessage.contains("no customer in the segment made a repeat purchase"), quietMessage);
        assertEquals("all", bQuiet.getAs("parameters_from"));
        assertEquals("segment too small (n=0 < 30 repeat customers): pooled fit used",
                fits.get("gamma_gamma/tier=quiet").getAs("message"));

        // Predictions, from the closed forms.
        final String table = ctx.warehouse().tablePath("fct_test_clv");
        final Row quiet = spark.sql("SELECT * FROM delta.`" + table + "` WHERE tier = 'quiet' ORDER BY account_id LIMIT 1").first();
        assertEquals(1.0, quiet.<Double>getAs("p_alive"), 0.0, "no repeat purchase: still alive in the BG/NBD");
        final GammaGammaModel pooledSpend = gammaGamma(null);
        // x = 0: the population mean spend p v / (q - 1)
        assertEquals(BigDecimal.valueOf(pooledSpend.p() * pooledSpend.v() / (pooledSpend.q() - 1)).setScale(2, RoundingMode.HALF_UP),
                quiet.getAs("expected_value_per_transaction"));
        final Row buyer = spark.sql("SELECT * FROM delta.`" + table + "` WHERE tier = 'large' AND frequency >= 2 "
                + "ORDER BY account_id LIMIT 1").first();
        final double x = buyer.<Integer>getAs("frequency");
        final double tx = buyer.<Double>getAs("recency");
        final double bigT = buyer.<Double>getAs("t");
        final double m = buyer.<BigDecimal>getAs("monetary_value").doubleValue();
        final double pAlive = 1 / (1 + own.a() / (own.b() + x - 1) * Math.pow((own.alpha() + bigT) / (own.alpha() + tx), own.r() + x));
        assertEquals(pAlive, buyer.<Double>getAs("p_alive"), 1e-12);
        final GammaGammaModel spend = gammaGamma("large");
        final double perTransaction = spend.p() * (spend.v() + x * m) / (spend.p() * x + spend.q() - 1);
        assertEquals(BigDecimal.valueOf(perTransaction).setScale(2, RoundingMode.HALF_UP), buyer.getAs("expected_value_per_transaction"));
        final double weeksPerMonth = 365.25 / 12 / 7;
        final double expected12 = own.conditionalExpectedTransactions(12 * weeksPerMonth, x, tx, bigT);
        assertEquals(expected12, buyer.<Double>getAs("expected_transactions"), 1e-9);
        assertEquals(BigDecimal.valueOf(expected12 * perTransaction).setScale(2, RoundingMode.HALF_UP),
                buyer.getAs("expected_value_amount"));
        // 3-year CLV: monthly increments of expected transactions, discounted at 10% a year (0.797% a month).
        double clv = 0;
        double previous = 0;
        for (int month = 1; month <= 36; month++) {
            final double cumulative = own.conditionalExpectedTransactions(month * weeksPerMonth, x, tx, bigT);
            clv += (cumulative - previous) * perTransaction / Math.pow(1.10, month / 12.0);
            previous = cumulative;
        }
        assertEquals(clv, buyer.<BigDecimal>getAs("clv_3y").doubleValue(), 0.005 + 1e-9);
        assertEquals(bLarge.<String>getAs("fit_key"), buyer.<String>getAs("bgnbd_fit_key"));
        assertEquals(CustomerLifetimeValue.WEEKS_PER_MONTH, weeksPerMonth, 1e-12);
    }

    @Test
    void aRerunWritesNothingAndAChangedVarRefitsWithItsMessages() {
        final TableSpec spec = spec("fct_test_clv_rerun", CLV_SPEC.replace("fct_test_clv", "fct_test_clv_rerun"));
        final JobResult first = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, first.status(), first.message());
        final JobResult again = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SKIPPED, again.status());
        assertEquals(first.outputVersion(), again.outputVersion(), "an unchanged rerun adds no version");
        spark.conf().set("kamw.var.min_segment_size", "400");
        try {
            final JobResult raised = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
            assertEquals(RunRecord.SUCCEEDED, raised.status(), raised.message());
            assertEquals(first.outputVersion() + 1, raised.outputVersion());
        } finally {
            spark.conf().unset("kamw.var.min_segment_size");
        }
        final Map<String, Row> fits = fits("fct_test_clv_rerun");
        assertEquals("too small (n=372 < 400 customers): no fit, no predictions", fits.get("bg_nbd/all").getAs("message"));
        final String large = fits.get("bg_nbd/tier=large").getAs("message");
        assertTrue(large.startsWith("segment too small (n=300 < 400 customers): no pooled fit either"), large);
        assertEquals(0L, spark.sql("SELECT count(*) FROM delta.`" + ctx.warehouse().tablePath("fct_test_clv_rerun")
                + "` WHERE p_alive IS NOT NULL OR clv_3y IS NOT NULL").first().getLong(0), "no fit, no predictions");
    }

    @Test
    void specAndSourceErrorsAreNamed() {
        String m = assertThrows(TableSpecException.class, () -> spec("fct_test_clv", CLV_SPEC.replace("kind: bg_nbd_gamma_gamma",
                "kind: pareto_nbd"))).getMessage();
        assertTrue(m.contains("model.kind: 'pareto_nbd' is not a model kind (known: bg_nbd_gamma_gamma, sbg, win_probability)"), m);
        m = assertThrows(TableSpecException.class, () -> spec("fct_test_clv", CLV_SPEC.replace("horizon_months: 12",
                "horizon_months: soon"))).getMessage();
        assertTrue(m.contains("model.settings.horizon_months: 'soon' is not a number"), m);
        m = assertThrows(TableSpecException.class, () -> spec("fct_test_clv", CLV_SPEC.replace("horizon_months: 12",
                "horizon: 12"))).getMessage();
        assertTrue(m.contains("unknown key 'horizon'"), m);
        final TableSpec noT = spec("fct_test_clv_bad", CLV_SPEC.replace("fct_test_clv", "fct_test_clv_bad").replace("recency, t,",
                "recency,"));
        m = assertThrows(KamwException.class, () -> TableJobs.run(ctx, noT, JobOptions.INCREMENTAL)).getMessage();
        assertTrue(m.contains("the model source returns no column 't'"), m);
    }

    // ------------------------------------------------------------------------------ win probability

    private static final String WIN_SPEC = """
            name: fct_test_win_probability
            layer: gold
            description: Logistic regression of won against lost on one binary feature.
            grain: one row per opportunity_id and as_of_date
            keys: [opportunity_id, as_of_date]
            inputs: [stg_test__deal_snapshots]
            job: model
            model:
              kind: win_probability
              source: |
                SELECT opportunity_id, as_of_date, x, segment, label, label_date FROM stg_test__deal_snapshots
              settings: {min_training_rows: 4, min_rows_per_outcome: 2, regularisation: 0, reasons: 2}
              features: [x, segment]
            schedule: daily
            owner: analytics
            checks:
              - unique: [opportunity_id, as_of_date]
            """;

    /**
     * With one binary feature and no penalty, the fitted probabilities are the won shares of the two
     * groups: at the end of March, x = 0 won 1 of 4 and x = 1 won 3 of 4, so 0.25 and 0.75. A deal lost
     * on 15 April is not in March's fit, only in April's (x = 1: 3 of 5). The January rows, when no
     * outcome was known yet, get no prediction. A row's reasons are the features' contributions to its
     * log-odds against the average training row: x = 1 adds 2 ln 3 x (1 - 0.5) = +1.10 in March. The
     * same with the fits on the driver (a training set this small) and by MLlib (a driver limit of 0 rows).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "driver fit rows {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"200000", "0"})
    void winProbabilityLearnsOnlyFromOutcomesKnownAtEachFitDate(final String driverFitRows) {
        spark.conf().set(WinProbabilityModels.DRIVER_FIT_ROWS_CONF, driverFitRows);
        try {
            learnsOnlyFromOutcomesKnownAtEachFitDate(driverFitRows.equals("0") ? "by MLlib" : "on the driver");
        } finally {
            spark.conf().unset(WinProbabilityModels.DRIVER_FIT_ROWS_CONF);
        }
    }

    private void learnsOnlyFromOutcomesKnownAtEachFitDate(final String where) {
        final List<Row> rows = new ArrayList<>();
        final java.sql.Date jan = java.sql.Date.valueOf("2026-01-31");
        final java.sql.Date feb20 = java.sql.Date.valueOf("2026-02-20");
        final boolean[] won = {true, false, false, false, true, true, true, false};
        for (int i = 0; i < 8; i++) {
            rows.add(RowFactory.create("D" + i, jan, i < 4 ? 0 : 1, "a", won[i], feb20));
        }
        rows.add(RowFactory.create("LATE", jan, 1, "a", false, java.sql.Date.valueOf("2026-04-15")));
        rows.add(RowFactory.create("X0", java.sql.Date.valueOf("2026-03-31"), 0, "a", null, null));
        rows.add(RowFactory.create("X1", java.sql.Date.valueOf("2026-03-31"), 1, "a", null, null));
        rows.add(RowFactory.create("X1", java.sql.Date.valueOf("2026-04-30"), 1, "a", null, null));
        write("stg_test__deal_snapshots", rows, new StructType().add("opportunity_id", DataTypes.StringType)
                .add("as_of_date", DataTypes.DateType).add("x", DataTypes.IntegerType).add("segment", DataTypes.StringType)
                .add("label", DataTypes.BooleanType).add("label_date", DataTypes.DateType));
        final TableSpec spec = spec("fct_test_win_probability", WIN_SPEC);
        final JobResult result = TableJobs.run(ctx, spec, JobOptions.INCREMENTAL);
        assertEquals(RunRecord.SUCCEEDED, result.status(), result.message());
        assertEquals(12, result.rowsWritten());
        final Map<String, Row> out = new HashMap<>();
        for (final Row r : spark.sql("SELECT * FROM delta.`" + ctx.warehouse().tablePath("fct_test_win_probability") + "`")
                .collectAsList()) {
            out.put(r.<String>getAs("opportunity_id") + "@" + r.getAs("as_of_date"), r);
        }
        assertFalse(out.get("X0@2026-03-31").schema().getFieldIndex("label").isDefined(), "the outcome is not written");
        assertEquals(0.25, out.get("X0@2026-03-31").<Double>getAs("p_win"), 1e-3);
        assertEquals(0.75, out.get("X1@2026-03-31").<Double>getAs("p_win"), 1e-3);
        assertEquals(0.60, out.get("X1@2026-04-30").<Double>getAs("p_win"), 1e-3, "the deal lost in April counts from April");
        assertEquals("x=1 (+1.10); segment=a (+0.00)", out.get("X1@2026-03-31").getAs("top_reasons"));
        assertEquals("x=0 (-1.10); segment=a (+0.00)", out.get("X0@2026-03-31").getAs("top_reasons"));
        for (int i = 0; i < 8; i++) {
            assertNull(out.get("D" + i + "@2026-01-31").getAs("p_win"), "nothing was known at the end of January");
            assertNull(out.get("D" + i + "@2026-01-31").getAs("top_reasons"));
        }
        final Map<String, Row> fits = new HashMap<>();
        for (final Row r : spark.sql("SELECT f.* FROM (SELECT explode(_model_fits) AS f FROM delta.`"
                + ctx.warehouse().tablePath("fct_test_win_probability") + "`)").dropDuplicates("fit_key").collectAsList()) {
            fits.put(String.valueOf(r.<Object>getAs("as_of_date")), r);
        }
        assertEquals(3, fits.size(), fits.keySet().toString());
        assertEquals(8.0, fits.get("2026-03-31").<Double>getAs("sample_size"), 0.0);
        assertEquals(9.0, fits.get("2026-04-30").<Double>getAs("sample_size"), 0.0);
        assertEquals(2 * Math.log(3), param(fits.get("2026-03-31"), "x"), 1e-2);
        final String trained = fits.get("2026-03-31").getAs("message");
        assertTrue(trained.startsWith("trained " + where + " on 8 rows known by 2026-03-31 (4 won, 4 lost)"), trained);
        final String none = fits.get("2026-01-31").getAs("message");
        assertTrue(none.startsWith("too few outcomes known (0 won, 0 lost"), none);
        assertEquals(out.get("X1@2026-04-30").<String>getAs("fit_key"), fits.get("2026-04-30").getAs("fit_key"));
    }

    @Test
    void winProbabilityRefitsEveryFewMonthsAndScoresTheMonthsBetweenWithTheLatestFit() {
        assertEquals(java.time.LocalDate.parse("2026-03-31"), WinProbabilityModels.fitDate(java.time.LocalDate.parse("2026-05-31"), 3));
        assertEquals(java.time.LocalDate.parse("2026-06-30"), WinProbabilityModels.fitDate(java.time.LocalDate.parse("2026-06-30"), 3));
        assertEquals(java.time.LocalDate.parse("2025-12-31"), WinProbabilityModels.fitDate(java.time.LocalDate.parse("2026-01-31"), 3));
        assertEquals(java.time.LocalDate.parse("2026-01-31"), WinProbabilityModels.fitDate(java.time.LocalDate.parse("2026-01-31"), 1));
        assertEquals(java.time.LocalDate.parse("2026-01-15"), WinProbabilityModels.fitDate(java.time.LocalDate.parse("2026-01-15"), 1),
                "a date within a month is its own fit date");
        final String m = assertThrows(TableSpecException.class, () -> spec("fct_test_win_probability",
                WIN_SPEC.replace("  features: [x, segment]\n", ""))).getMessage();
        assertTrue(m.contains("model.features: a win_probability model needs the source columns it learns from"), m);
    }
}
