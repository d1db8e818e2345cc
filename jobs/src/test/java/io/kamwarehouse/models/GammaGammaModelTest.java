package io.kamwarehouse.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GammaGammaModelTest {

    private static List<CdnowSample.Customer> customers;
    private static FitResult<GammaGammaModel> fit;

    @BeforeAll
    static void fitCdnow() throws IOException {
        customers = CdnowSample.load();
        final double[] x = CdnowSample.column(customers, CdnowSample.Customer::frequency);
        final double[] m = CdnowSample.column(customers, CdnowSample.Customer::monetary);
        final long start = System.nanoTime();
        fit = GammaGammaModel.fit(x, m);
        final long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "Gamma-Gamma CDNOW fit: %d ms; p=%.6f q=%.6f v=%.6f LL=%.4f n=%.0f%n  %s%n",
                millis, fit.parameter("p"), fit.parameter("q"), fit.parameter("v"), fit.logLikelihood(),
                fit.sampleSize(), fit.message());
    }

    @Test
    void cdnowFitMatchesFaderHardieLee2005() {
        assertTrue(fit.converged(), fit.message());
        assertEquals(946, fit.sampleSize(), 0.0, "only customers with repeat purchases enter the fit");
        assertEquals(6.25, fit.parameter("p"), 0.005);
        assertEquals(3.74, fit.parameter("q"), 0.005);
        assertEquals(15.44, fit.parameter("v"), 0.005);
        for (final String p : GammaGammaModel.parameterNames()) {
            final double se = fit.standardError(p);
            System.out.printf(Locale.ROOT, "  Gamma-Gamma %s = %.6f (se %.6f)%n", p, fit.parameter(p), se);
            assertTrue(se > 0 && se < fit.parameter(p), p + " se " + se);
        }
    }

    @Test
    void conditionalExpectedSpendMatchesHardieSpreadsheet() {
        // lifetimes' test (from Hardie's spreadsheet): with p, q, v = 6.25, 3.74, 15.44 the first ten CDNOW
        // customers expect 24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17 (atol 0.1).
        final GammaGammaModel published = new GammaGammaModel(6.25, 3.74, 15.44);
        final double[] expected = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
        for (int i = 0; i < 10; i++) {
            final CdnowSample.Customer c = customers.get(i);
            assertEquals(i + 1, c.id());
            assertEquals(expected[i], published.conditionalExpectedAverageSpend(c.frequency(), c.monetary()), 0.1,
                    "customer " + c.id());
        }
    }

    @Test
    void conditionalSpendIsAWeightedMeanOfPopulationAndCustomerMeans() {
        final GammaGammaModel m = new GammaGammaModel(6.25, 3.74, 15.44);
        final double population = 6.25 * 15.44 / 2.74;
        assertEquals(population, m.populationMeanSpend(), 1e-12);
        assertEquals(population, m.conditionalExpectedAverageSpend(0, Double.NaN), 1e-12);
        final double x = 3;
        final double own = 50;
        final double weight = 6.25 * x / (6.25 * x + 2.74);
        assertEquals((1 - weight) * population + weight * own, m.conditionalExpectedAverageSpend(x, own), 1e-12);
        // many transactions: the customer's own mean dominates
        assertEquals(own, m.conditionalExpectedAverageSpend(100_000, own), 1e-3);
        assertEquals(Double.POSITIVE_INFINITY, new GammaGammaModel(1, 0.5, 10).populationMeanSpend(), 0.0);
    }

    @Test
    void likelihoodIsTheGammaGammaDensity() {
        final GammaGammaModel m = new GammaGammaModel(6.25, 3.74, 15.44);
        final double x = 4;
        final double z = 27.5;
        final double px = 6.25 * x;
        final double expected = Gamma.logGamma(px + 3.74) - Gamma.logGamma(px) - Gamma.logGamma(3.74)
                + 3.74 * Math.log(15.44) + px * Math.log(x) + (px - 1) * Math.log(z) - (px + 3.74) * Math.log(15.44 + x * z);
        assertEquals(expected, m.logLikelihood(x, z), 1e-10);
        // The density of the average integrates to 1 over z (trapezoid on a log grid).
        double integral = 0;
        double prevZ = 1e-6;
        double prevF = Math.exp(m.logLikelihood(x, prevZ));
        for (double lz = Math.log(1e-6); lz < Math.log(1e5); lz += 1e-3) {
            final double zz = Math.exp(lz);
            final double f = Math.exp(m.logLikelihood(x, zz));
            integral += 0.5 * (f + prevF) * (zz - prevZ);
            prevZ = zz;
            prevF = f;
        }
        assertEquals(1.0, integral, 1e-5);
        assertEquals(fit.logLikelihood(), fit.model().logLikelihood(
                CdnowSample.column(customers, CdnowSample.Customer::frequency),
                CdnowSample.column(customers, CdnowSample.Customer::monetary), null), 1e-6);
    }

    @Test
    void correlationCheck() {
        final double rho = GammaGammaModel.frequencyMonetaryCorrelation(
                CdnowSample.column(customers, CdnowSample.Customer::frequency),
                CdnowSample.column(customers, CdnowSample.Customer::monetary));
        System.out.printf(Locale.ROOT, "CDNOW frequency/monetary correlation (repeat customers): %.4f%n", rho);
        assertTrue(Math.abs(rho) < 0.3, "CDNOW frequency and spend are nearly independent: " + rho);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GammaGammaModel.fit(new double[] {1, 2, 0}, new double[] {10, -5, 0}));
        assertTrue(e.getMessage().contains("averageMonetaryValue[1] = -5.0 must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GammaGammaModel.fit(new double[] {1, -2}, new double[] {10, 5}));
        assertEquals("Gamma-Gamma: frequency[1] = -2.0 is negative", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GammaGammaModel.fit(new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("averageMonetaryValue has 1 values but frequency has 2"), e.getMessage());
        // 12 repeat customers among 200
        final double[] x = new double[200];
        final double[] m = new double[200];
        for (int i = 0; i < 12; i++) {
            x[i] = 1 + i % 3;
            m[i] = 20 + i;
        }
        e = assertThrows(IllegalArgumentException.class, () -> GammaGammaModel.fit(x, m));
        assertEquals("segment has 12 customers with repeat purchases; at least 30 are needed to fit Gamma-Gamma",
                e.getMessage());
    }

    @Test
    void impossibleFitIsReportedNotThrown() {
        // Every customer spends exactly the same: spend variance 0, the shapes run off to infinity.
        final double[] x = new double[40];
        final double[] m = new double[40];
        for (int i = 0; i < 40; i++) {
            x[i] = 1 + i % 4;
            m[i] = 25.0;
        }
        final FitResult<GammaGammaModel> r = GammaGammaModel.fit(x, m);
        System.out.println("Gamma-Gamma with identical spend: " + r.message());
        assertFalse(r.converged());
    }
}
