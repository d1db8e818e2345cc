package io.kamwarehouse.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Fader &amp; Hardie (2007), "How to project customer retention": 1,000 customers per cohort, years 1-7 fitted. */
class ShiftedBetaGeometricModelTest {

    private static final long[] HIGH_END = {869, 743, 653, 593, 551, 517, 491};
    private static final long[] REGULAR = {631, 468, 382, 326, 289, 262, 241};
    /** Actual survivors in years 8-12 (the paper's hold-out data). */
    private static final long[] HIGH_END_8_12 = {468, 445, 427, 409, 394};
    private static final long[] REGULAR_8_12 = {223, 207, 194, 183, 173};

    @Test
    void highEndCohortMatchesThePaper() {
        final long start = System.nanoTime();
        final FitResult<ShiftedBetaGeometricModel> fit = ShiftedBetaGeometricModel.fit(HIGH_END, 1000);
        final long micros = (System.nanoTime() - start) / 1000;
        System.out.printf(Locale.ROOT, "sBG high end: %d us; alpha=%.6f beta=%.6f LL=%.4f%n  %s%n", micros,
                fit.parameter("alpha"), fit.parameter("beta"), fit.logLikelihood(), fit.message());
        assertTrue(fit.converged(), fit.message());
        assertEquals(0.668, fit.parameter("alpha"), 0.0005);
        assertEquals(3.806, fit.parameter("beta"), 0.0005);
        assertEquals(-1611.158, fit.logLikelihood(), 0.01); // paper: -1611.2
        assertEquals(1000, fit.sampleSize(), 0.0);
        System.out.printf(Locale.ROOT, "  se(alpha) = %.6f, se(beta) = %.6f%n", fit.standardError("alpha"),
                fit.standardError("beta"));
        assertTrue(fit.standardError("alpha") > 0 && fit.standardError("alpha") < 0.668);
        assertTrue(fit.standardError("beta") > 0 && fit.standardError("beta") < 3.806);
        // Independent check: invert a finite-difference Hessian of the log-likelihood in (alpha, beta) directly.
        final double a0 = fit.parameter("alpha");
        final double b0 = fit.parameter("beta");
        final double h = 1e-4;
        final java.util.function.DoubleBinaryOperator ll =
                (x, y) -> new ShiftedBetaGeometricModel(x, y).logLikelihood(HIGH_END, 1000);
        final double haa = (ll.applyAsDouble(a0 + h, b0) - 2 * ll.applyAsDouble(a0, b0) + ll.applyAsDouble(a0 - h, b0)) / (h * h);
        final double hbb = (ll.applyAsDouble(a0, b0 + h) - 2 * ll.applyAsDouble(a0, b0) + ll.applyAsDouble(a0, b0 - h)) / (h * h);
        final double hab = (ll.applyAsDouble(a0 + h, b0 + h) - ll.applyAsDouble(a0 + h, b0 - h)
                - ll.applyAsDouble(a0 - h, b0 + h) + ll.applyAsDouble(a0 - h, b0 - h)) / (4 * h * h);
        final double det = haa * hbb - hab * hab;
        assertEquals(Math.sqrt(-hbb / det), fit.standardError("alpha"), 0.01 * fit.standardError("alpha"));
        assertEquals(Math.sqrt(-haa / det), fit.standardError("beta"), 0.01 * fit.standardError("beta"));

        final ShiftedBetaGeometricModel m = fit.model();
        // Projection for years 8-12 vs the actual hold-out (the paper's Figure: close, slightly low).
        // Reference projection from the fitted values (scipy/mpmath): 460.44, 435.78, 414.17, 395.06, 378.00.
        final double[] projected = {460.44, 435.78, 414.17, 395.06, 378.00};
        for (int i = 0; i < 5; i++) {
            final int year = 8 + i;
            final double s = 1000 * m.survival(year);
            System.out.printf(Locale.ROOT, "  high end year %d: projected %.1f, actual %d%n", year, s, HIGH_END_8_12[i]);
            assertEquals(projected[i], s, 0.01, "year " + year);
            assertEquals(HIGH_END_8_12[i], s, 20, "year " + year + " within 2 points of the actual survival");
        }
    }

    @Test
    void regularCohortMatchesThePaper() {
        final FitResult<ShiftedBetaGeometricModel> fit = ShiftedBetaGeometricModel.fit(REGULAR, 1000);
        System.out.printf(Locale.ROOT, "sBG regular: alpha=%.6f beta=%.6f LL=%.4f%n", fit.parameter("alpha"),
                fit.parameter("beta"), fit.logLikelihood());
        assertTrue(fit.converged(), fit.message());
        assertEquals(0.704, fit.parameter("alpha"), 0.0005);
        assertEquals(1.182, fit.parameter("beta"), 0.0005);
        assertEquals(-1680.265, fit.logLikelihood(), 0.01); // paper: -1680.3
        final ShiftedBetaGeometricModel m = fit.model();
        final double[] projected = {220.08, 204.41, 191.19, 179.86, 170.04};
        for (int i = 0; i < 5; i++) {
            final double s = 1000 * m.survival(8 + i);
            assertEquals(projected[i], s, 0.01);
            assertEquals(REGULAR_8_12[i], s, 5, "year " + (8 + i));
        }
    }

    @Test
    void likelihoodAtOneOneMatchesTheSpreadsheetStartingValue() {
        // At alpha = beta = 1 the high-end log-likelihood is -2115.5 (the starting value of the paper's Excel sheet).
        assertEquals(-2115.5455, new ShiftedBetaGeometricModel(1, 1).logLikelihood(HIGH_END, 1000), 1e-3);
    }

    @Test
    void survivalRetentionAndChurnAreConsistent() {
        final ShiftedBetaGeometricModel m = new ShiftedBetaGeometricModel(0.668, 3.806);
        assertEquals(1.0, m.survival(0), 0.0);
        // r(t) = (beta + t - 1) / (alpha + beta + t - 1)
        assertEquals(3.806 / 4.474, m.retentionRate(1), 1e-15);
        assertEquals(4.806 / 5.474, m.retentionRate(2), 1e-15);
        assertEquals(10.806 / 11.474, m.retentionRate(8), 1e-15);
        double s = 1.0;
        double churned = 0;
        for (int t = 1; t <= 30; t++) {
            s *= m.retentionRate(t);
            assertEquals(s, m.survival(t), 1e-12, "S(" + t + ") is the product of retention rates");
            churned += m.churnProbability(t);
            assertEquals(1 - churned, m.survival(t), 1e-12, "S(" + t + ") = 1 - sum of P(T = t)");
            assertTrue(m.retentionRate(t + 1) > m.retentionRate(t), "retention rises with tenure (heterogeneity)");
        }
        assertEquals(0.668 / 4.474, m.churnProbability(1), 1e-15);
        final double[] curve = m.survivalCurve(12);
        assertEquals(13, curve.length);
        assertEquals(1.0, curve[0], 0.0);
        assertEquals(m.survival(12), curve[12], 0.0);
        assertThrows(IllegalArgumentException.class, () -> m.retentionRate(0));
        assertThrows(IllegalArgumentException.class, () -> m.survival(-1));
    }

    @Test
    void discountedExpectedResidualLifetime() {
        final ShiftedBetaGeometricModel high = new ShiftedBetaGeometricModel(0.6680883728764352, 3.806095381726049);
        final ShiftedBetaGeometricModel regular = new ShiftedBetaGeometricModel(0.7040773019438622, 1.1820430307075578);
        // mpmath: (beta+n)/(alpha+beta+n) 2F1(1, beta+n+1; alpha+beta+n+1; 1/1.1), equal to the direct sum
        // sum_{k>=1} S(n+k)/S(n) / 1.1^(k-1) to 17 digits.
        assertEquals(5.9013776722948712, high.discountedExpectedResidualLifetime(0.10, 1), 1e-11);
        assertEquals(6.2938916187371271, high.discountedExpectedResidualLifetime(0.10, 2), 1e-11);
        assertEquals(7.135661068019275, high.discountedExpectedResidualLifetime(0.10, 5), 1e-11);
        assertEquals(4.1031397630980588, regular.discountedExpectedResidualLifetime(0.10, 1), 1e-11);
        assertEquals(4.8698046392616924, regular.discountedExpectedResidualLifetime(0.10, 2), 1e-11);
        assertEquals(6.264410077173748, regular.discountedExpectedResidualLifetime(0.10, 5), 1e-11);
        assertEquals(5.9222536076703653, high.discountedExpectedLifetime(0.10), 1e-11);
        assertEquals(3.6949084201738946, regular.discountedExpectedLifetime(0.10), 1e-11);

        // Direct summation check, and DEL = 1 + DERL(n = 0) / (1 + d)
        for (final double d : new double[] {0.02, 0.1, 0.3}) {
            for (final int n : new int[] {0, 1, 4, 10}) {
                double direct = 0;
                final double sn = high.survival(n);
                for (int k = 1; k < 20_000; k++) {
                    direct += high.survival(n + k) / sn / Math.pow(1 + d, k - 1);
                }
                assertEquals(direct, high.discountedExpectedResidualLifetime(d, n), 1e-9 * direct, "d=" + d + " n=" + n);
            }
            assertEquals(1 + high.discountedExpectedResidualLifetime(d, 0) / (1 + d),
                    high.discountedExpectedLifetime(d), 1e-12);
        }

        // Homogeneous limit: alpha, beta large with alpha/(alpha+beta) = theta gives (1-theta)(1+d)/(d+theta).
        final double theta = 0.2;
        final ShiftedBetaGeometricModel homogeneous = new ShiftedBetaGeometricModel(theta * 1e6, (1 - theta) * 1e6);
        assertEquals((1 - theta) * 1.1 / (0.1 + theta), homogeneous.discountedExpectedResidualLifetime(0.1, 3), 1e-4);

        // Undiscounted residual lifetime (beta + n) / (alpha - 1), finite only for alpha > 1.
        final ShiftedBetaGeometricModel thin = new ShiftedBetaGeometricModel(3.0, 6.0);
        assertEquals(8.0 / 2.0, thin.expectedResidualLifetime(2), 1e-15);
        assertEquals(thin.expectedResidualLifetime(2), thin.discountedExpectedResidualLifetime(0, 2), 0.0);
        assertEquals(thin.expectedResidualLifetime(2), thin.discountedExpectedResidualLifetime(1e-5, 2), 1e-3);
        assertEquals((3.0 + 6 - 1) / (3.0 - 1), thin.discountedExpectedLifetime(0), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, high.expectedResidualLifetime(3), 0.0);
        assertThrows(IllegalArgumentException.class, () -> high.discountedExpectedResidualLifetime(-0.1, 1));
    }

    @Test
    void multipleCohortsShareParameters() {
        // Two copies of the same cohort give the same estimates with twice the log-likelihood.
        final FitResult<ShiftedBetaGeometricModel> one = ShiftedBetaGeometricModel.fit(REGULAR, 1000);
        final FitResult<ShiftedBetaGeometricModel> two = ShiftedBetaGeometricModel.fitCohorts(
                new long[][] {REGULAR, REGULAR}, new long[] {1000, 1000}, FitOptions.defaults());
        assertEquals(one.parameter("alpha"), two.parameter("alpha"), 1e-5);
        assertEquals(one.parameter("beta"), two.parameter("beta"), 1e-5);
        assertEquals(2 * one.logLikelihood(), two.logLikelihood(), 1e-6);
        // Cohorts of different ages (a younger cohort observed for 3 years only).
        final FitResult<ShiftedBetaGeometricModel> staggered = ShiftedBetaGeometricModel.fitCohorts(
                new long[][] {HIGH_END, {435, 372, 327}}, new long[] {1000, 500}, FitOptions.defaults());
        assertTrue(staggered.converged(), staggered.message());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShiftedBetaGeometricModel.fit(new long[] {869, 900, 653}, 1000));
        assertTrue(e.getMessage().contains("survivors[1] = 900 exceeds the 869 active a period earlier"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShiftedBetaGeometricModel.fit(new long[] {1200, 900}, 1000));
        assertTrue(e.getMessage().contains("(the initial count)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftedBetaGeometricModel.fit(new long[] {-1, -2}, 1000));
        assertTrue(e.getMessage().contains("survivors[0] = -1 is negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftedBetaGeometricModel.fit(new long[] {500}, 1000));
        assertTrue(e.getMessage().contains("at least 2 observed periods"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftedBetaGeometricModel.fit(new long[] {8, 6, 5}, 12));
        assertEquals("segment has 12 customers; at least 30 are needed to fit sBG", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftedBetaGeometricModel.fit(new long[] {8, 6}, 0));
        assertTrue(e.getMessage().contains("initialCount must be > 0"), e.getMessage());
    }

    @Test
    void impossibleFitsAreReportedNotThrown() {
        // Nobody ever churns: the best fit pushes the churn probabilities to 0 (alpha -> 0 or beta -> infinity).
        final FitResult<ShiftedBetaGeometricModel> noChurn = ShiftedBetaGeometricModel.fit(new long[] {100, 100, 100}, 100);
        System.out.println("sBG without churn: " + noChurn.message());
        assertFalse(noChurn.converged());
        assertTrue(noChurn.message().contains("ran off"), noChurn.message());
        assertThrows(IllegalStateException.class, noChurn::requireConverged);
        // Everybody leaves after the first period.
        final FitResult<ShiftedBetaGeometricModel> allGone = ShiftedBetaGeometricModel.fit(new long[] {0, 0, 0}, 100);
        System.out.println("sBG with total churn: " + allGone.message());
        assertFalse(allGone.converged());
    }
}
