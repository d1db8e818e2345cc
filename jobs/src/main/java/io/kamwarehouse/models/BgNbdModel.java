package io.kamwarehouse.models;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of repeat buying in a non-contractual setting (Fader, Hardie &amp; Lee 2005, "Counting your
 * customers the easy way: an alternative to the Pareto/NBD model"). While active, a customer buys at Poisson
 * rate lambda ~ Gamma(r, alpha); after each purchase she drops out with probability p ~ Beta(a, b).
 *
 * <p>Per customer the inputs are, in one consistent time unit (weeks in the paper; days work as well, the
 * fitted alpha simply scales with the unit):
 * <ul>
 *   <li>{@code x} frequency: number of repeat purchases (purchase days after the first one) in the calibration period;</li>
 *   <li>{@code t_x} recency: time from the first purchase to the last purchase (0 when x = 0);</li>
 *   <li>{@code T}: time from the first purchase to the end of the calibration period.</li>
 * </ul>
 * All computations are done in log space and the conditional expectation uses Euler's transformation of
 * 2F1, so they stay finite for very large frequencies.
 *
 * @param r     shape of the gamma mixing distribution of purchase rates
 * @param alpha scale of the gamma mixing distribution (same time unit as the inputs)
 * @param a     first shape of the beta mixing distribution of dropout probabilities
 * @param b     second shape of the beta mixing distribution of dropout probabilities
 */
public record BgNbdModel(double r, double alpha, double a, double b) implements Serializable {

    /** Smallest segment (customers, or sum of weights) {@link #fit} accepts unless told otherwise. */
    public static final int DEFAULT_MIN_CUSTOMERS = 50;
    static final String NAME = "BG/NBD";
    private static final String[] NAMES = {"r", "alpha", "a", "b"};
    private static final double A_NEAR_ONE = 1e-6;
    private static final double A_NUDGE = 1e-5;

    public BgNbdModel {
        Inputs.requirePositiveFinite("BG/NBD r", r);
        Inputs.requirePositiveFinite("BG/NBD alpha", alpha);
        Inputs.requirePositiveFinite("BG/NBD a", a);
        Inputs.requirePositiveFinite("BG/NBD b", b);
    }

    /** Parameter names in order: r, alpha, a, b. */
    public static String[] parameterNames() {
        return NAMES.clone();
    }

    // ------------------------------------------------------------------------------------------------ fitting

    /** Fits one row per customer with default options. */
    public static FitResult<BgNbdModel> fit(final double[] frequency, final double[] recency, final double[] T) {
        return fit(frequency, recency, T, null, FitOptions.defaults());
    }

    /** Fits rows carrying a count of identical customers each ({@code weights}, may be {@code null} for all 1). */
    public static FitResult<BgNbdModel> fit(final double[] frequency, final double[] recency, final double[] T,
                                            final double[] weights) {
        return fit(frequency, recency, T, weights, FitOptions.defaults());
    }

    /**
     * Maximum-likelihood fit.
     *
     * @param frequency repeat purchases per row (whole numbers &gt;= 0)
     * @param recency   time of last purchase minus time of first purchase (0 when frequency is 0), &lt;= T
     * @param T         time from first purchase to the end of the calibration period (&gt;= 0)
     * @param weights   number of customers each row stands for (&gt;= 0), or {@code null} for one each
     * @param options   fit options; the default minimum segment is {@value #DEFAULT_MIN_CUSTOMERS} customers
     * @return the fit; non-convergence is reported in it, not thrown
     * @throws IllegalArgumentException on invalid input or a segment smaller than the minimum
     */
    public static FitResult<BgNbdModel> fit(final double[] frequency, final double[] recency, final double[] T,
                                            final double[] weights, final FitOptions options) {
        final Data data = Data.of(frequency, recency, T, weights);
        Inputs.requireMinimum(NAME, "customers", data.total, options.minCustomersOr(DEFAULT_MIN_CUSTOMERS));
        final String hint = data.repeatCustomers == 0
                ? "no customer in the segment made a repeat purchase, so purchase rates and dropout are not identified"
                : "the data do not identify the model; the segment may be too small or too homogeneous";
        // Fit in time units of the mean T, so the optimiser's start and its divergence bounds do not depend on
        // whether the caller works in days or weeks; alpha scales back, r, a, b are unit-free.
        final double meanT = data.weightedMeanT();
        final double scale = meanT > 0 ? meanT : 1.0;
        final Data scaled = data.rescaled(scale);
        final double[] start = options.initialParameters();
        if (start != null && start.length == 4) {
            start[1] /= scale;
        }
        // Without a single repeat purchase the likelihood says nothing of rates or dropout: a penalty would make the
        // fit converge on the penalty alone, so it is not applied and the fit reports that it does not converge.
        final FitOptions unpenalised = data.repeatCustomers == 0 ? options.withPenalty(0.0) : options;
        final FitOptions scaledOptions = start == null ? unpenalised : unpenalised.withInitialParameters(start);
        final MaximumLikelihood.Outcome outcome = MaximumLikelihood.maximize(NAME, NAMES, scaled::logLikelihood,
                data.total, new double[] {1.0, 1.0, 1.0, 1.0}, scaledOptions, hint, theta -> {
                    theta[1] *= scale;
                    return theta;
                }, data::logLikelihood);
        return MaximumLikelihood.toResult(outcome, NAMES, data.total, q -> new BgNbdModel(q[0], q[1], q[2], q[3]));
    }

    // ------------------------------------------------------------------------------------------ likelihood

    /** Log-likelihood of one customer's (x, t_x, T) under this model. */
    public double logLikelihood(final double x, final double tx, final double T) {
        final double xx = checkCustomer(x, tx, T);
        return logLikelihood(r, alpha, a, b, xx, Math.min(tx, T), T);
    }

    /** Total log-likelihood of a data set (weights may be {@code null}). */
    public double logLikelihood(final double[] frequency, final double[] recency, final double[] T,
                                final double[] weights) {
        return Data.of(frequency, recency, T, weights).logLikelihood(new double[] {r, alpha, a, b});
    }

    static double logLikelihood(final double r, final double alpha, final double a, final double b, final double x,
                                final double tx, final double T) {
        final double a1 = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha);
        final double a2 = Gamma.logGamma(a + b) + Gamma.logGamma(b + x) - Gamma.logGamma(b) - Gamma.logGamma(a + b + x);
        final double a3 = -(r + x) * Math.log(alpha + T);
        final double a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx)
                : Double.NEGATIVE_INFINITY;
        return a1 + a2 + SpecialFunctions.logSumExp(a3, a4);
    }

    // ----------------------------------------------------------------------------------------- predictions

    /**
     * P(alive | x, t_x, T): probability that the customer has not dropped out by T. It is 1 for x = 0 (in the
     * BG/NBD a customer can only drop out right after a repeat purchase).
     */
    public double probabilityAlive(final double x, final double tx, final double T) {
        final double xx = checkCustomer(x, tx, T);
        if (xx == 0) {
            return 1.0;
        }
        return SpecialFunctions.inverseOnePlusExp(logDeadOdds(xx, Math.min(tx, T), T));
    }

    /** log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x), the odds of having dropped out; x &gt; 0. */
    private double logDeadOdds(final double x, final double tx, final double T) {
        return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    }

    /**
     * E[Y(t) | x, t_x, T]: expected number of transactions in the next {@code t} time units for a customer with
     * history (x, t_x, T) (the paper's equation 10):
     * <pre>
     *   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
     *   / [1 + delta(x&gt;0) a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)]
     * </pre>
     * evaluated as P(alive) times the bracket, with Euler's transformation
     * (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z), which keeps the series short and
     * finite for any x.
     */
    public double conditionalExpectedTransactions(final double t, final double x, final double tx, final double T) {
        final double xx = checkCustomer(x, tx, T);
        checkHorizon(t);
        if (t == 0) {
            return 0.0;
        }
        final double z = t / (alpha + T + t);
        return probabilityAlive(xx, tx, T) * growth(r, a, b, xx, z);
    }

    /** E[X(t)]: expected number of repeat transactions in (0, t] for a randomly chosen new customer. */
    public double expectedTransactions(final double t) {
        checkHorizon(t);
        if (t == 0) {
            return 0.0;
        }
        return growth(r, a, b, 0.0, t / (alpha + t));
    }

    /**
     * (a+b+x-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)]; at a = 1 the removable singularity is
     * bridged by averaging a = 1 +- 1e-5 (error of order 1e-10).
     */
    static double growth(final double r, final double a, final double b, final double x, final double z) {
        final double c = a + b + x - 1;
        final boolean cBad = c <= 0 && Math.abs(c - Math.rint(c)) < A_NEAR_ONE;
        if (Math.abs(a - 1) < A_NEAR_ONE || cBad) {
            return 0.5 * (growthRaw(r, a - A_NUDGE, b, x, z) + growthRaw(r, a + A_NUDGE, b, x, z));
        }
        return growthRaw(r, a, b, x, z);
    }

    private static double growthRaw(final double r, final double a, final double b, final double x, final double z) {
        final double c = a + b + x - 1;
        final double f = SpecialFunctions.hyp2f1(a + b - 1 - r, a - 1, c, z);
        final double scaled = Math.exp((a - 1) * Math.log1p(-z)) * f;
        return c / (a - 1) * (1.0 - scaled);
    }

    private static double checkCustomer(final double x, final double tx, final double T) {
        final double xx = Inputs.requireCount(NAME, "frequency", -1, x);
        Inputs.requireNonNegative(NAME, "recency", -1, tx);
        Inputs.requireNonNegative(NAME, "T", -1, T);
        if (tx > T + Inputs.SLACK) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "BG/NBD: recency %s is greater than T %s; the last purchase cannot be after the end of the period",
                    tx, T));
        }
        return xx;
    }

    private static void checkHorizon(final double t) {
        if (!(t >= 0) || !Double.isFinite(t)) {
            throw new IllegalArgumentException("BG/NBD: prediction horizon t must be a finite number >= 0, got " + t);
        }
    }

    // ------------------------------------------------------------------------------------------------ data

    /** Validated input collapsed to distinct (x, t_x, T) rows with summed weights. */
    private static final class Data {
        final double[] x;
        final double[] tx;
        final double[] T;
        final double[] w;
        final int[] xIndex;
        final double[] distinctX;
        final double total;
        final double repeatCustomers;

        private Data(final double[] x, final double[] tx, final double[] T, final double[] w, final int[] xIndex,
                     final double[] distinctX, final double total, final double repeatCustomers) {
            this.x = x;
            this.tx = tx;
            this.T = T;
            this.w = w;
            this.xIndex = xIndex;
            this.distinctX = distinctX;
            this.total = total;
            this.repeatCustomers = repeatCustomers;
        }

        private record Key(double x, double tx, double T) {
        }

        static Data of(final double[] frequency, final double[] recency, final double[] T, final double[] weights) {
            Inputs.requireSameLength(NAME, new String[] {"frequency", "recency", "T"}, frequency, recency, T);
            final double[] w = Inputs.weights(NAME, weights, frequency.length);
            final Map<Key, Double> rows = new HashMap<>();
            final TreeMap<Double, Integer> xs = new TreeMap<>();
            double total = 0;
            double repeat = 0;
            for (int i = 0; i < frequency.length; i++) {
                final double x = Inputs.requireCount(NAME, "frequency", i, frequency[i]);
                Inputs.requireNonNegative(NAME, "recency", i, recency[i]);
                Inputs.requireNonNegative(NAME, "T", i, T[i]);
                if (recency[i] > T[i] + Inputs.SLACK) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "BG/NBD: recency[%d] = %s is greater than T[%d] = %s; the last purchase cannot be after "
                                    + "the end of the calibration period", i, recency[i], i, T[i]));
                }
                if (x == 0 && recency[i] > Inputs.SLACK) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "BG/NBD: recency[%d] = %s but frequency[%d] = 0; a customer without repeat purchases "
                                    + "has recency 0", i, recency[i], i));
                }
                if (w[i] == 0) {
                    continue;
                }
                final double tx = x == 0 ? 0.0 : Math.min(recency[i], T[i]);
                rows.merge(new Key(x, tx, T[i]), w[i], Double::sum);
                xs.putIfAbsent(x, 0);
                total += w[i];
                if (x > 0) {
                    repeat += w[i];
                }
            }
            final double[] distinct = Inputs.numberDistinct(xs);
            final int n = rows.size();
            final double[] ax = new double[n];
            final double[] atx = new double[n];
            final double[] aT = new double[n];
            final double[] aw = new double[n];
            final int[] idx = new int[n];
            int i = 0;
            for (final Map.Entry<Key, Double> e : rows.entrySet()) {
                ax[i] = e.getKey().x();
                atx[i] = e.getKey().tx();
                aT[i] = e.getKey().T();
                aw[i] = e.getValue();
                idx[i] = xs.get(ax[i]);
                i++;
            }
            return new Data(ax, atx, aT, aw, idx, distinct, total, repeat);
        }

        /** The same customers with recency and T divided by {@code s}. */
        Data rescaled(final double s) {
            final double[] stx = new double[tx.length];
            final double[] sT = new double[T.length];
            for (int i = 0; i < T.length; i++) {
                stx[i] = tx[i] / s;
                sT[i] = T[i] / s;
            }
            return new Data(x, stx, sT, w, xIndex, distinctX, total, repeatCustomers);
        }

        double weightedMeanT() {
            double s = 0;
            for (int i = 0; i < T.length; i++) {
                s += w[i] * T[i];
            }
            return total > 0 ? s / total : 1.0;
        }

        /** Total log-likelihood; per-x gamma terms are computed once per distinct frequency. */
        double logLikelihood(final double[] theta) {
            final double r = theta[0];
            final double alpha = theta[1];
            final double a = theta[2];
            final double b = theta[3];
            final int m = distinctX.length;
            final double[] head = new double[m];
            final double[] a4 = new double[m];
            final double lgR = Gamma.logGamma(r);
            final double lgB = Gamma.logGamma(b);
            final double lgAB = Gamma.logGamma(a + b);
            final double rLogAlpha = r * Math.log(alpha);
            final double logA = Math.log(a);
            for (int k = 0; k < m; k++) {
                final double x = distinctX[k];
                head[k] = Gamma.logGamma(r + x) - lgR + rLogAlpha
                        + lgAB + Gamma.logGamma(b + x) - lgB - Gamma.logGamma(a + b + x);
                a4[k] = x > 0 ? logA - Math.log(b + x - 1) : Double.NEGATIVE_INFINITY;
            }
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                final int k = xIndex[i];
                final double rx = r + x[i];
                final double t3 = -rx * Math.log(alpha + T[i]);
                final double t4 = x[i] > 0 ? a4[k] - rx * Math.log(alpha + tx[i]) : Double.NEGATIVE_INFINITY;
                sum += w[i] * (head[k] + SpecialFunctions.logSumExp(t3, t4));
            }
            return sum;
        }
    }
}
