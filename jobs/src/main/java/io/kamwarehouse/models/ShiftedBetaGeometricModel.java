package io.kamwarehouse.models;

import java.io.Serializable;
import java.util.Locale;

import org.apache.commons.math3.special.Beta;

/**
 * The shifted-beta-geometric (sBG) model of contract renewal (Fader &amp; Hardie 2007, "How to project
 * customer retention"; DERL from Fader &amp; Hardie 2010, "Customer-base valuation in a contractual setting:
 * the perils of ignoring heterogeneity"). At the end of each period a customer cancels with probability
 * theta ~ Beta(alpha, beta), fixed for her.
 *
 * <p>Periods are whole contract periods (years, months...). A cohort is observed at the end of periods 1..n:
 * {@code survivors[t-1]} customers of the {@code initialCount} acquired at time 0 are still active at the end
 * of period t. S(t) = B(alpha, beta + t) / B(alpha, beta).
 *
 * @param alpha first shape of the beta distribution of churn probabilities
 * @param beta  second shape of the beta distribution of churn probabilities
 */
public record ShiftedBetaGeometricModel(double alpha, double beta) implements Serializable {

    /** Smallest cohort (initial count, summed over cohorts) {@link #fit} accepts unless told otherwise. */
    public static final int DEFAULT_MIN_CUSTOMERS = 30;
    static final String NAME = "sBG";
    private static final String[] NAMES = {"alpha", "beta"};

    public ShiftedBetaGeometricModel {
        Inputs.requirePositiveFinite("sBG alpha", alpha);
        Inputs.requirePositiveFinite("sBG beta", beta);
    }

    /** Parameter names in order: alpha, beta. */
    public static String[] parameterNames() {
        return NAMES.clone();
    }

    // ------------------------------------------------------------------------------------------------ fitting

    /** Fits one cohort with default options. */
    public static FitResult<ShiftedBetaGeometricModel> fit(final long[] survivors, final long initialCount) {
        return fit(survivors, initialCount, FitOptions.defaults());
    }

    /**
     * Maximum-likelihood fit of one cohort.
     *
     * @param survivors    customers still active at the end of periods 1..n (non-increasing, &lt;= initialCount),
     *                     at least 2 periods
     * @param initialCount customers acquired at time 0
     * @param options      fit options; the default minimum cohort is {@value #DEFAULT_MIN_CUSTOMERS}
     * @throws IllegalArgumentException on invalid input or a cohort smaller than the minimum
     */
    public static FitResult<ShiftedBetaGeometricModel> fit(final long[] survivors, final long initialCount,
                                                           final FitOptions options) {
        return fitCohorts(new long[][] {survivors}, new long[] {initialCount}, options);
    }

    /**
     * Maximum-likelihood fit of several cohorts sharing one (alpha, beta), each observed for its own number of
     * periods (e.g. yearly acquisition cohorts: the oldest has the longest history). The log-likelihood is the
     * sum of the cohorts'. At least 2 observed periods are needed in total.
     */
    public static FitResult<ShiftedBetaGeometricModel> fitCohorts(final long[][] survivors, final long[] initialCounts,
                                                                  final FitOptions options) {
        if (survivors == null || initialCounts == null) {
            throw new IllegalArgumentException("sBG: survivors and initialCounts must not be null");
        }
        if (survivors.length != initialCounts.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "sBG: %d survivor series but %d initial counts; one initial count per cohort is needed",
                    survivors.length, initialCounts.length));
        }
        long total = 0;
        int periods = 0;
        for (int c = 0; c < survivors.length; c++) {
            validateCohort(c, survivors[c], initialCounts[c]);
            total += initialCounts[c];
            periods += survivors[c].length;
        }
        if (periods < 2) {
            throw new IllegalArgumentException("sBG: at least 2 observed periods are needed to fit alpha and beta, got "
                    + periods);
        }
        Inputs.requireMinimum(NAME, "customers", total, options.minCustomersOr(DEFAULT_MIN_CUSTOMERS));
        final long[][] data = new long[survivors.length][];
        for (int c = 0; c < survivors.length; c++) {
            data[c] = survivors[c].clone();
        }
        final long[] initial = initialCounts.clone();
        final MaximumLikelihood.Outcome outcome = MaximumLikelihood.maximize(NAME, NAMES,
                theta -> logLikelihood(theta[0], theta[1], data, initial), total, new double[] {1.0, 1.0}, options,
                "the survivor counts do not identify the model; e.g. nobody churned, or everybody churned at once");
        return MaximumLikelihood.toResult(outcome, NAMES, total, t -> new ShiftedBetaGeometricModel(t[0], t[1]));
    }

    private static void validateCohort(final int cohort, final long[] survivors, final long initialCount) {
        final String where = cohort == 0 ? "" : " (cohort " + cohort + ")";
        if (survivors == null || survivors.length == 0) {
            throw new IllegalArgumentException("sBG: survivors" + where + " must hold at least one period");
        }
        if (initialCount <= 0) {
            throw new IllegalArgumentException("sBG: initialCount" + where + " must be > 0, got " + initialCount);
        }
        long previous = initialCount;
        for (int t = 0; t < survivors.length; t++) {
            if (survivors[t] < 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "sBG: survivors[%d]%s = %d is negative", t, where, survivors[t]));
            }
            if (survivors[t] > previous) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "sBG: survivors[%d]%s = %d exceeds the %d active a period earlier%s; survivor counts cannot "
                                + "grow (new customers belong to a new cohort)", t, where, survivors[t], previous,
                        t == 0 ? " (the initial count)" : ""));
            }
            previous = survivors[t];
        }
    }

    /** Log-likelihood of one cohort's survivor counts under this model. */
    public double logLikelihood(final long[] survivors, final long initialCount) {
        validateCohort(0, survivors, initialCount);
        return logLikelihood(alpha, beta, new long[][] {survivors}, new long[] {initialCount});
    }

    private static double logLikelihood(final double alpha, final double beta, final long[][] survivors,
                                        final long[] initialCounts) {
        final double logB = Beta.logBeta(alpha, beta);
        double sum = 0;
        for (int c = 0; c < survivors.length; c++) {
            long previous = initialCounts[c];
            final long[] s = survivors[c];
            for (int t = 1; t <= s.length; t++) {
                final long lost = previous - s[t - 1];
                if (lost > 0) {
                    // P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
                    sum += lost * (Beta.logBeta(alpha + 1, beta + t - 1) - logB);
                }
                previous = s[t - 1];
            }
            if (previous > 0) {
                // still active after the last period: S(n) = B(alpha, beta + n) / B(alpha, beta)
                sum += previous * (Beta.logBeta(alpha, beta + s.length) - logB);
            }
        }
        return sum;
    }

    // ----------------------------------------------------------------------------------------- predictions

    /** S(t) = P(still active at the end of period t) = B(alpha, beta + t) / B(alpha, beta); S(0) = 1. */
    public double survival(final int t) {
        checkPeriod(t, 0);
        return t == 0 ? 1.0 : Math.exp(Beta.logBeta(alpha, beta + t) - Beta.logBeta(alpha, beta));
    }

    /** S(0), S(1), ..., S(lastPeriod): the projected survival curve (share of the cohort still active). */
    public double[] survivalCurve(final int lastPeriod) {
        checkPeriod(lastPeriod, 0);
        final double[] curve = new double[lastPeriod + 1];
        curve[0] = 1.0;
        for (int t = 1; t <= lastPeriod; t++) {
            curve[t] = survival(t);
        }
        return curve;
    }

    /** P(T = t): probability that a new customer's last period is t (she cancels at its end), t &gt;= 1. */
    public double churnProbability(final int t) {
        checkPeriod(t, 1);
        return Math.exp(Beta.logBeta(alpha + 1, beta + t - 1) - Beta.logBeta(alpha, beta));
    }

    /** r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), the retention rate in period t &gt;= 1. */
    public double retentionRate(final int t) {
        checkPeriod(t, 1);
        return (beta + t - 1) / (alpha + beta + t - 1);
    }

    /**
     * DERL(d | alpha, beta, n): discounted expected residual lifetime, in contract periods, of a customer who has
     * made {@code renewals} = n renewals (is active at the end of period n), evaluated just before her next
     * renewal decision, with per-period discount rate d (Fader &amp; Hardie 2010, equation 6):
     * <pre>
     *   DERL = (beta + n)/(alpha + beta + n) 2F1(1, beta + n + 1; alpha + beta + n + 1; 1/(1 + d))
     *        = sum_{k&gt;=1} S(n + k)/S(n) / (1 + d)^(k-1).
     * </pre>
     * Multiply by the (margin per period) to value the customer. For d = 0 it is
     * {@link #expectedResidualLifetime(int)}.
     */
    public double discountedExpectedResidualLifetime(final double discountRate, final int renewals) {
        checkPeriod(renewals, 0);
        if (!(discountRate >= 0) || !Double.isFinite(discountRate)) {
            throw new IllegalArgumentException("sBG: discount rate must be a finite number >= 0, got " + discountRate);
        }
        if (discountRate == 0) {
            return expectedResidualLifetime(renewals);
        }
        final double n = renewals;
        return (beta + n) / (alpha + beta + n)
                * SpecialFunctions.hyp2f1(1.0, beta + n + 1, alpha + beta + n + 1, 1.0 / (1.0 + discountRate));
    }

    /**
     * Undiscounted expected number of further renewals of a customer active at the end of period n:
     * sum_{k&gt;=1} S(n + k)/S(n) = (beta + n)/(alpha - 1), finite only when alpha &gt; 1; returns
     * {@link Double#POSITIVE_INFINITY} otherwise (the churn distribution has so much mass near 0 that the mean
     * lifetime is infinite; use the discounted version).
     */
    public double expectedResidualLifetime(final int renewals) {
        checkPeriod(renewals, 0);
        return alpha > 1 ? (beta + renewals) / (alpha - 1) : Double.POSITIVE_INFINITY;
    }

    /**
     * DEL(d): discounted expected lifetime, in periods, of a customer just acquired (first payment at time 0,
     * undiscounted): sum_{t&gt;=0} S(t)/(1 + d)^t = 2F1(1, beta; alpha + beta; 1/(1 + d)). For d = 0 it is
     * the expected lifetime (alpha + beta - 1)/(alpha - 1), infinite when alpha &lt;= 1.
     */
    public double discountedExpectedLifetime(final double discountRate) {
        if (!(discountRate >= 0) || !Double.isFinite(discountRate)) {
            throw new IllegalArgumentException("sBG: discount rate must be a finite number >= 0, got " + discountRate);
        }
        if (discountRate == 0) {
            return alpha > 1 ? (alpha + beta - 1) / (alpha - 1) : Double.POSITIVE_INFINITY;
        }
        return SpecialFunctions.hyp2f1(1.0, beta, alpha + beta, 1.0 / (1.0 + discountRate));
    }

    private static void checkPeriod(final int t, final int min) {
        if (t < min) {
            throw new IllegalArgumentException("sBG: period must be >= " + min + ", got " + t);
        }
    }
}
