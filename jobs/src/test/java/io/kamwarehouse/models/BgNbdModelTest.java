package io.kamwarehouse.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BgNbdModelTest {

    /** Fader, Hardie &amp; Lee (2005), CDNOW sample, 39-week calibration. */
    private static final BgNbdModel PUBLISHED = new BgNbdModel(0.243, 4.414, 0.793, 2.426);

    private static List<CdnowSample.Customer> customers;
    private static FitResult<BgNbdModel> fit;
    private static long fitMillis;

    @BeforeAll
    static void fitCdnow() throws IOException {
        customers = CdnowSample.load();
        final double[] x = CdnowSample.column(customers, CdnowSample.Customer::frequency);
        final double[] tx = CdnowSample.column(customers, CdnowSample.Customer::recency);
        final double[] T = CdnowSample.column(customers, CdnowSample.Customer::T);
        final long start = System.nanoTime();
        fit = BgNbdModel.fit(x, tx, T);
        fitMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "BG/NBD CDNOW fit: %d ms; r=%.6f alpha=%.6f a=%.6f b=%.6f LL=%.4f "
                        + "iterations=%d evaluations=%d%n  %s%n", fitMillis, fit.parameter("r"),
                fit.parameter("alpha"), fit.parameter("a"), fit.parameter("b"), fit.logLikelihood(),
                fit.iterations(), fit.evaluations(), fit.message());
    }

    @Test
    void rawTransactionsReproduceThePublishedSummary() throws IOException {
        final Map<Integer, double[]> published = CdnowSample.publishedSummary();
        assertEquals(2357, customers.size());
        assertEquals(2357, published.size());
        int repeaters = 0;
        for (final CdnowSample.Customer c : customers) {
            final double[] row = published.get(c.id());
            assertEquals(row[0], c.frequency(), 0.0, "frequency of customer " + c.id());
            assertEquals(row[1], c.recency(), 0.005 + 1e-9, "recency of customer " + c.id());
            assertEquals(row[2], c.T(), 0.005 + 1e-9, "T of customer " + c.id());
            if (c.frequency() > 0) {
                repeaters++;
            }
        }
        assertEquals(946, repeaters, "customers with a repeat purchase in calibration");
    }

    @Test
    void cdnowFitMatchesFaderHardieLee2005() {
        assertTrue(fit.converged(), fit.message());
        assertEquals(0.243, fit.parameter("r"), 0.005);
        assertEquals(4.414, fit.parameter("alpha"), 0.005);
        assertEquals(0.793, fit.parameter("a"), 0.005);
        assertEquals(2.426, fit.parameter("b"), 0.005);
        // the paper reports LL = -9582.4
        assertEquals(-9582.4, fit.logLikelihood(), 0.1);
        assertEquals(2357, fit.sampleSize(), 0.0);
        // Standard errors from the observed information: finite, positive, and small relative to the estimates.
        for (final String p : BgNbdModel.parameterNames()) {
            final double se = fit.standardError(p);
            System.out.printf(Locale.ROOT, "  BG/NBD %s = %.6f (se %.6f)%n", p, fit.parameter(p), se);
            assertTrue(se > 0 && se < 0.5 * fit.parameter(p), p + " se " + se);
        }
        final BgNbdModel m = fit.model();
        assertEquals(fit.parameter("r"), m.r(), 0.0);
    }

    @Test
    void fitOnThePublishedSummaryAndOnAggregatedRowsAgrees() throws IOException {
        final Map<Integer, double[]> published = CdnowSample.publishedSummary();
        final double[] x = published.values().stream().mapToDouble(r -> r[0]).toArray();
        final double[] tx = published.values().stream().mapToDouble(r -> r[1]).toArray();
        final double[] T = published.values().stream().mapToDouble(r -> r[2]).toArray();
        final long start = System.nanoTime();
        final FitResult<BgNbdModel> csvFit = BgNbdModel.fit(x, tx, T);
        System.out.printf(Locale.ROOT, "BG/NBD fit on cdnow_customers_summary.csv: %d ms; %s%n",
                (System.nanoTime() - start) / 1_000_000, csvFit.message());
        assertTrue(csvFit.converged(), csvFit.message());
        assertEquals(0.243, csvFit.parameter("r"), 0.005);
        assertEquals(4.414, csvFit.parameter("alpha"), 0.005);
        assertEquals(0.793, csvFit.parameter("a"), 0.005);
        assertEquals(2.426, csvFit.parameter("b"), 0.005);

        // The same customers given as (x, t_x, T, count) rows must give the same fit.
        final java.util.Map<List<Double>, Double> counts = new java.util.HashMap<>();
        for (final CdnowSample.Customer c : customers) {
            counts.merge(List.of(c.frequency(), c.recency(), c.T()), 1.0, Double::sum);
        }
        final int n = counts.size();
        final double[] gx = new double[n];
        final double[] gtx = new double[n];
        final double[] gT = new double[n];
        final double[] gw = new double[n];
        int i = 0;
        for (final Map.Entry<List<Double>, Double> e : counts.entrySet()) {
            gx[i] = e.getKey().get(0);
            gtx[i] = e.getKey().get(1);
            gT[i] = e.getKey().get(2);
            gw[i] = e.getValue();
            i++;
        }
        final FitResult<BgNbdModel> weighted = BgNbdModel.fit(gx, gtx, gT, gw);
        assertTrue(n < customers.size());
        assertEquals(fit.logLikelihood(), weighted.logLikelihood(), 1e-6);
        for (final String p : BgNbdModel.parameterNames()) {
            assertEquals(fit.parameter(p), weighted.parameter(p), 1e-4, p);
        }
    }

    @Test
    void predictionsMatchPublishedAndIndependentlyComputedValues() {
        // Fader & Hardie's worked example: customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226 transactions
        // in the next 39 weeks (BG/NBD Excel notes; also asserted by the lifetimes test suite).
        assertEquals(1.226, PUBLISHED.conditionalExpectedTransactions(39, 2, 30.43, 38.86), 0.0005);
        assertEquals(1.226, fit.model().conditionalExpectedTransactions(39, 2, 30.43, 38.86), 0.005);

        // Reference values computed independently with mpmath at 40 digits from the paper's equations
        // (direct 2F1(r+x, b+x; a+b+x-1; z), no Euler transform), for r, alpha, a, b = 0.243, 4.414, 0.793, 2.426:
        // {x, t_x, T, t, E[Y(t) | x, t_x, T], P(alive)}
        final double[][] reference = {
            {0, 0, 38.86, 52, 0.25207302228245893, 1.0},
            {1, 1.5, 38, 39, 0.20377214584408406, 0.20903894892725433},
            {2, 30.43, 38.86, 39, 1.2260281747671444, 0.72657857008067291},
            {7, 35, 39, 52, 5.4863782972849229, 0.84065898272653916},
            {20, 10, 39, 26, 5.5404197223383108e-8, 5.475235742777771e-9},
            {200, 38, 39, 52, 121.02424837067916, 0.70495305200472674},
            {60, 39, 39, 156, 107.98929866521756, 0.98725469711824362},
        };
        for (final double[] c : reference) {
            assertEquals(c[4], PUBLISHED.conditionalExpectedTransactions(c[3], c[0], c[1], c[2]), 1e-11 * c[4],
                    "E[Y] " + Arrays.toString(c));
            assertEquals(c[5], PUBLISHED.probabilityAlive(c[0], c[1], c[2]), 1e-13 * c[5],
                    "P(alive) " + Arrays.toString(c));
        }
        // unconditional E[X(t)], same mpmath reference
        final double[][] unconditional = {
            {0.1429, 0.007828347516072163}, {1.0, 0.05326789117165828}, {3.0, 0.15086523089304668},
            {31.8571, 1.0419960608522109}, {32.0, 1.0452433283744438}, {78.0, 1.8605190579427685},
        };
        for (final double[] u : unconditional) {
            assertEquals(u[1], PUBLISHED.expectedTransactions(u[0]), 1e-12 * u[1], "E[X(" + u[0] + ")]");
        }
        assertEquals(0.0, PUBLISHED.expectedTransactions(0), 0.0);
    }

    @Test
    void probabilityAliveLimitingCasesAndLikelihoodIdentity() {
        final BgNbdModel m = PUBLISHED;
        // x = 0: a customer can only drop out after a repeat purchase.
        assertEquals(1.0, m.probabilityAlive(0, 0, 38.86), 0.0);
        assertEquals(1.0, m.probabilityAlive(0, 0, 1e6), 0.0);
        // closed form 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
        final double x = 2;
        final double tx = 30.43;
        final double T = 38.86;
        final double closed = 1.0 / (1.0 + m.a() / (m.b() + x - 1)
                * Math.pow((m.alpha() + T) / (m.alpha() + tx), m.r() + x));
        assertEquals(closed, m.probabilityAlive(x, tx, T), 1e-12);
        // t_x = T (bought at the end of the period): a/(b+x-1) only.
        assertEquals(1.0 / (1.0 + m.a() / (m.b() + 4)), m.probabilityAlive(5, 20, 20), 1e-12);
        // P(alive) is the "alive" share of the individual likelihood: exp(A1 + A2 + A3 - LL).
        for (final double[] c : new double[][] {{1, 1.5, 38}, {2, 30.43, 38.86}, {7, 35, 39}, {20, 10, 39}}) {
            final double a1 = Gamma.logGamma(m.r() + c[0]) - Gamma.logGamma(m.r()) + m.r() * Math.log(m.alpha());
            final double a2 = Beta.logBeta(m.a(), m.b() + c[0]) - Beta.logBeta(m.a(), m.b());
            final double a3 = -(m.r() + c[0]) * Math.log(m.alpha() + c[2]);
            assertEquals(Math.exp(a1 + a2 + a3 - m.logLikelihood(c[0], c[1], c[2])),
                    m.probabilityAlive(c[0], c[1], c[2]), 1e-12, Arrays.toString(c));
        }
        // A very frequent buyer who went quiet long ago is dead, without overflow.
        final double pDead = m.probabilityAlive(500, 1, 39);
        assertTrue(pDead >= 0 && pDead < 1e-100, "P(alive) = " + pDead);
        assertEquals(0.0, m.conditionalExpectedTransactions(52, 500, 1, 39), 1e-90);
        // A very frequent buyer still buying is almost surely alive and keeps buying at about x/T per week.
        final double busy = m.conditionalExpectedTransactions(10, 1000, 38.8, 38.86);
        assertTrue(Double.isFinite(busy) && busy > 200 && busy < 260, "E[Y(10)] = " + busy);
    }

    @Test
    void conditionalExpectationAgreesWithDirectIntegrationOverTheDropoutProbability() {
        // Independent route: integrate lambda analytically, then p numerically (no 2F1):
        // E[Y(t)|x,t_x,T] = Int B(p) (1-p)^x / p * [(alpha+T)^-(r+x) - (alpha+T+p t)^-(r+x)] dp / L,
        // L = Int B(p) [(1-p)^x (alpha+T)^-(r+x) + p (1-p)^(x-1) (alpha+t_x)^-(r+x)] dp  (the Gamma(r+x)
        // alpha^r / Gamma(r) factor cancels). Substituting p = s^(4/a) removes the p^(a-1) singularity and
        // makes the integrand smooth at 0: Beta(a, b) density dp = (4/a) s^3 (1-p)^(b-1) / B(a, b) ds.
        final BgNbdModel m = PUBLISHED;
        for (final double[] c : new double[][] {{0, 0, 38.86, 39}, {2, 30.43, 38.86, 39}, {5, 12, 30, 52},
                {1, 38, 38.5, 4}, {14, 36, 39, 100}}) {
            final double x = c[0];
            final double tx = c[1];
            final double T = c[2];
            final double t = c[3];
            final double rx = m.r() + x;
            final double logNorm = -Beta.logBeta(m.a(), m.b()) + Math.log(4 / m.a());
            final double num = integrate(s -> {
                final double p = Math.pow(s, 4 / m.a());
                if (p <= 0) {
                    return 0.0;
                }
                final double w = s * s * s * Math.exp(logNorm + (m.b() - 1 + x) * Math.log1p(-p));
                final double gain = p * t < 1e-8 ? t * rx * Math.pow(m.alpha() + T, -rx - 1)
                        : (Math.pow(m.alpha() + T, -rx) - Math.pow(m.alpha() + T + p * t, -rx)) / p;
                return w * gain;
            });
            final double den = integrate(s -> {
                final double p = Math.pow(s, 4 / m.a());
                final double w = s * s * s * Math.exp(logNorm + (m.b() - 1) * Math.log1p(-p));
                double v = Math.pow(1 - p, x) * Math.pow(m.alpha() + T, -rx);
                if (x > 0) {
                    v += p * Math.pow(1 - p, x - 1) * Math.pow(m.alpha() + tx, -rx);
                }
                return w * v;
            });
            final double expected = num / den;
            final double actual = m.conditionalExpectedTransactions(t, x, tx, T);
            assertEquals(expected, actual, 1e-9 * Math.max(1, expected), Arrays.toString(c));
        }
    }

    /** Composite 40-point Gauss-Legendre rule on 400 equal panels of [0, 1]. */
    private static double integrate(final UnivariateFunction f) {
        final GaussIntegratorFactory factory = new GaussIntegratorFactory();
        final int panels = 400;
        double sum = 0;
        for (int k = 0; k < panels; k++) {
            final GaussIntegrator rule = factory.legendre(40, (double) k / panels, (double) (k + 1) / panels);
            sum += rule.integrate(f);
        }
        return sum;
    }

    @Test
    void eulerTransformedFormAgreesWithTheDirectHypergeometricForm() {
        final BgNbdModel m = PUBLISHED;
        for (final double[] c : new double[][] {{2, 30.43, 38.86, 39}, {6, 20, 39, 156}, {0, 0, 20, 10}}) {
            final double x = c[0];
            final double T = c[2];
            final double t = c[3];
            final double z = t / (m.alpha() + T + t);
            final double direct = (m.a() + m.b() + x - 1) / (m.a() - 1)
                    * (1 - Math.pow((m.alpha() + T) / (m.alpha() + T + t), m.r() + x)
                    * SpecialFunctions.hyp2f1(m.r() + x, m.b() + x, m.a() + m.b() + x - 1, z))
                    * m.probabilityAlive(x, c[1], T);
            assertEquals(direct, m.conditionalExpectedTransactions(t, x, c[1], T), 1e-10, Arrays.toString(c));
        }
        // conditional on a brand-new customer (x = 0, T = 0) it is the unconditional expectation
        assertEquals(m.expectedTransactions(52), m.conditionalExpectedTransactions(52, 0, 0, 0), 1e-12);
        // a = 1 is a removable singularity
        final BgNbdModel one = new BgNbdModel(0.5, 5, 1.0, 2.0);
        final double left = new BgNbdModel(0.5, 5, 1.0 - 1e-3, 2.0).expectedTransactions(30);
        final double right = new BgNbdModel(0.5, 5, 1.0 + 1e-3, 2.0).expectedTransactions(30);
        assertEquals(0.5 * (left + right), one.expectedTransactions(30), 1e-6);
    }

    @Test
    void recoversKnownParametersFromSimulatedHeavyBuyers() {
        // B2B-like heavy buyers: frequencies in the hundreds and thousands must not overflow anything.
        final double r = 2.0;
        final double alpha = 0.5;
        final double a = 0.5;
        final double b = 50.0;
        final org.apache.commons.math3.random.RandomGenerator rng = new org.apache.commons.math3.random.Well19937c(20240611L);
        final org.apache.commons.math3.distribution.GammaDistribution lambdas =
                new org.apache.commons.math3.distribution.GammaDistribution(rng, r, 1 / alpha);
        final org.apache.commons.math3.distribution.BetaDistribution dropouts =
                new org.apache.commons.math3.distribution.BetaDistribution(rng, a, b);
        final int n = 3000;
        final double[] x = new double[n];
        final double[] tx = new double[n];
        final double[] T = new double[n];
        double maxX = 0;
        for (int i = 0; i < n; i++) {
            T[i] = 52 + rng.nextInt(104);
            final double lambda = lambdas.sample();
            final double p = dropouts.sample();
            double t = 0;
            while (true) {
                t += -Math.log(1 - rng.nextDouble()) / lambda;
                if (t > T[i]) {
                    break;
                }
                x[i]++;
                tx[i] = t;
                if (rng.nextDouble() < p) {
                    break;
                }
            }
            maxX = Math.max(maxX, x[i]);
        }
        final long start = System.nanoTime();
        final FitResult<BgNbdModel> sim = BgNbdModel.fit(x, tx, T);
        System.out.printf(Locale.ROOT, "BG/NBD simulated heavy buyers (max frequency %.0f): %d ms; %s%n", maxX,
                (System.nanoTime() - start) / 1_000_000, sim.message());
        assertTrue(maxX > 1000, "the simulation has very heavy buyers");
        assertTrue(sim.converged(), sim.message());
        final double[] truth = {r, alpha, a, b};
        final String[] names = BgNbdModel.parameterNames();
        for (int i = 0; i < 4; i++) {
            final double z = (sim.parameter(names[i]) - truth[i]) / sim.standardError(names[i]);
            assertTrue(Math.abs(z) < 4, names[i] + " = " + sim.parameter(names[i]) + " vs " + truth[i] + " (z " + z + ")");
        }
        // predictions stay finite for the heaviest buyer
        int heaviest = 0;
        for (int i = 1; i < n; i++) {
            if (x[i] > x[heaviest]) {
                heaviest = i;
            }
        }
        final double e = sim.model().conditionalExpectedTransactions(52, x[heaviest], tx[heaviest], T[heaviest]);
        final double pa = sim.model().probabilityAlive(x[heaviest], tx[heaviest], T[heaviest]);
        assertTrue(Double.isFinite(e) && e >= 0 && pa >= 0 && pa <= 1, "E = " + e + ", P(alive) = " + pa);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        final double[] ok = {1, 0, 2};
        final double[] rec = {3, 0, 5};
        final double[] T = {10, 10, 10};
        final FitOptions small = FitOptions.defaults().withMinCustomers(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(new double[] {1, -1, 2}, rec, T, null, small));
        assertEquals("BG/NBD: frequency[1] = -1.0 is negative", e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(ok, new double[] {3, 0, 11}, T, null, small));
        assertTrue(e.getMessage().contains("recency[2] = 11.0 is greater than T[2] = 10.0"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(ok, new double[] {3, 2, 5}, T, null, small));
        assertTrue(e.getMessage().contains("frequency[1] = 0"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(ok, rec, new double[] {10, Double.NaN, 10}, null, small));
        assertEquals("BG/NBD: T[1] = NaN is not a finite number", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> BgNbdModel.fit(ok, rec, new double[] {10, 10}));
        assertTrue(e.getMessage().contains("T has 2 values but frequency has 3"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(new double[] {1.5, 0, 2}, rec, T, null, small));
        assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(ok, rec, T, new double[] {1, -2, 1}, small));
        assertTrue(e.getMessage().contains("weights[1] = -2.0 is negative"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> PUBLISHED.conditionalExpectedTransactions(-1, 1, 2, 3));
        assertTrue(e.getMessage().contains("horizon"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PUBLISHED.probabilityAlive(1, 5, 3));
        assertTrue(e.getMessage().contains("recency 5.0 is greater than T 3.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BgNbdModel(0, 1, 1, 1));
    }

    @Test
    void tinySegmentIsRejected() {
        final double[] x = new double[12];
        final double[] tx = new double[12];
        final double[] T = new double[12];
        Arrays.fill(T, 30);
        x[3] = 2;
        tx[3] = 10;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BgNbdModel.fit(x, tx, T));
        assertEquals("segment has 12 customers; at least 50 are needed to fit BG/NBD", e.getMessage());
        // weights count customers
        final IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> BgNbdModel.fit(new double[] {0, 1}, new double[] {0, 5}, new double[] {30, 30},
                        new double[] {20, 9}));
        assertEquals("segment has 29 customers; at least 50 are needed to fit BG/NBD", w.getMessage());
        // the minimum is configurable
        final FitResult<BgNbdModel> ok = BgNbdModel.fit(new double[] {0, 1}, new double[] {0, 5},
                new double[] {30, 30}, new double[] {20, 9}, FitOptions.defaults().withMinCustomers(20));
        assertEquals(29, ok.sampleSize(), 0.0);
    }

    @Test
    void impossibleFitsAreReportedNotThrown() {
        // Nobody ever repeats: purchase rate and dropout are not identified; r runs off to 0.
        final double[] x = new double[60];
        final double[] tx = new double[60];
        final double[] T = new double[60];
        for (int i = 0; i < 60; i++) {
            T[i] = 10 + i % 30;
        }
        final FitResult<BgNbdModel> none = BgNbdModel.fit(x, tx, T);
        System.out.println("BG/NBD with no repeat buyers: " + none.message());
        assertFalse(none.converged());
        assertTrue(none.message().contains("no customer in the segment made a repeat purchase"), none.message());
        assertTrue(Double.isNaN(none.standardError("r")), "no standard errors without convergence");
        final IllegalStateException e = assertThrows(IllegalStateException.class, none::requireConverged);
        assertEquals(none.message(), e.getMessage());
        // nor does a penalty make it converge: it would converge on the penalty alone
        final FitResult<BgNbdModel> noneHeld = FitResult.regularisedIfNeeded(o -> BgNbdModel.fit(x, tx, T, null, o),
                FitOptions.defaults(), 0.001);
        assertFalse(noneHeld.converged(), noneHeld.message());
        assertTrue(noneHeld.message().contains("no customer in the segment made a repeat purchase")
                && !noneHeld.message().contains("regularised"), noneHeld.message());

        // A budget too small to converge.
        final double[] cx = CdnowSample.column(customers, CdnowSample.Customer::frequency);
        final double[] ctx = CdnowSample.column(customers, CdnowSample.Customer::recency);
        final double[] cT = CdnowSample.column(customers, CdnowSample.Customer::T);
        final FitResult<BgNbdModel> starved = BgNbdModel.fit(cx, ctx, cT, null,
                FitOptions.defaults().withMaxEvaluations(40));
        System.out.println("BG/NBD with 40 evaluations: " + starved.message());
        assertFalse(starved.converged());
        assertTrue(starved.message().contains("evaluation budget of 40"), starved.message());
        assertTrue(starved.model() != null && Double.isFinite(starved.logLikelihood()));
    }

    @Test
    void aBookWhereEveryoneBuysAlikeAndNoOneLeavesIsFittedWithAPenaltyThatKeepsParametersFinite() {
        // 120 accounts buying at one Poisson rate (a deal every 8 weeks) for 1 to 3 years, none dropping out: the
        // gamma of rates has no spread (r, alpha run off together) and the dropout probability is 0 (b runs off).
        final org.apache.commons.math3.random.RandomGenerator rng = new org.apache.commons.math3.random.Well19937c(20261205L);
        final int n = 120;
        final double[] x = new double[n];
        final double[] tx = new double[n];
        final double[] T = new double[n];
        for (int i = 0; i < n; i++) {
            T[i] = 52 + rng.nextInt(105);
            double t = 0;
            while (true) {
                t += -Math.log(1 - rng.nextDouble()) * 8;
                if (t > T[i]) {
                    break;
                }
                x[i]++;
                tx[i] = t;
            }
        }
        final FitResult<BgNbdModel> plain = BgNbdModel.fit(x, tx, T, null, FitOptions.defaults());
        System.out.println("BG/NBD, everyone alike: " + plain.message());
        assertFalse(plain.converged(), plain.message());
        assertTrue(plain.message().contains("ran off"), plain.message());
        // no penalty asked for: the plain fit is the answer
        assertEquals(plain.message(), FitResult.regularisedIfNeeded(o -> BgNbdModel.fit(x, tx, T, null, o),
                FitOptions.defaults(), 0.0).message());

        final FitResult<BgNbdModel> held = FitResult.regularisedIfNeeded(o -> BgNbdModel.fit(x, tx, T, null, o),
                FitOptions.defaults(), 0.001);
        System.out.println("BG/NBD, everyone alike, regularised: " + held.message());
        assertTrue(held.converged(), held.message());
        assertTrue(held.message().startsWith("maximum likelihood did not converge (BG/NBD fit did not converge: ")
                && held.message().contains("; regularised BG/NBD (penalty 0.001 on log-parameters) fit converged"), held.message());
        for (final String name : BgNbdModel.parameterNames()) {
            final double v = held.parameter(name);
            assertTrue(v > 1e-3 && v < 1e4, name + " = " + v + " is not a sane value");
        }
        // the rate it implies is the book's: r / alpha near one deal in 8 weeks
        assertEquals(1.0 / 8, held.parameter("r") / held.parameter("alpha"), 0.03);
        // and the log-likelihood reported is the plain one at those parameters, a little below the unbounded optimum
        assertEquals(held.model().logLikelihood(x, tx, T, null), held.logLikelihood(), 1e-6);
        assertTrue(held.logLikelihood() <= plain.logLikelihood() + 1e-6, held.logLikelihood() + " vs " + plain.logLikelihood());
        assertTrue(held.logLikelihood() > plain.logLikelihood() - 0.02 * n, held.logLikelihood() + " vs " + plain.logLikelihood());

        // P(alive) falls the longer an account has not bought since its last deal, and more so for a frequent buyer
        final BgNbdModel m = held.model();
        double previous = 1.0;
        for (final double quiet : new double[] {0, 8, 16, 32, 64}) {
            final double p = m.probabilityAlive(6, 60, 60 + quiet);
            assertTrue(p <= previous && p > 0, "P(alive) " + p + " after " + quiet + " quiet weeks, " + previous + " before");
            previous = p;
        }
        assertTrue(m.probabilityAlive(12, 60, 92) < m.probabilityAlive(3, 60, 92), "a frequent buyer's silence says more");
    }
}
