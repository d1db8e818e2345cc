package io.kamwarehouse.models;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie &amp; Lee 2005, "RFM and CLV: using iso-value
 * curves for customer base analysis"; Fader &amp; Hardie, "The Gamma-Gamma model of monetary value"). A
 * customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v) across customers, so her average
 * spend over x transactions has the marginal density
 * <pre>
 *   Gamma(px+q) / (Gamma(px) Gamma(q)) * v^q x^(px) m^(px-1) / (v + x m)^(px+q).
 * </pre>
 * Only customers with at least one repeat purchase enter the fit; {@code averageMonetaryValue} is the mean
 * value of their repeat transactions (the first purchase excluded), in the currency of the caller. The model
 * assumes spend is independent of frequency; check with {@link #frequencyMonetaryCorrelation}.
 *
 * @param p shape of the transaction-value gamma distribution
 * @param q shape of the gamma mixing distribution of nu
 * @param v scale of the gamma mixing distribution of nu (currency units)
 */
public record GammaGammaModel(double p, double q, double v) implements Serializable {

    /** Smallest number of repeat customers (or sum of their weights) {@link #fit} accepts unless told otherwise. */
    public static final int DEFAULT_MIN_CUSTOMERS = 30;
    static final String NAME = "Gamma-Gamma";
    private static final String[] NAMES = {"p", "q", "v"};

    public GammaGammaModel {
        Inputs.requirePositiveFinite("Gamma-Gamma p", p);
        Inputs.requirePositiveFinite("Gamma-Gamma q", q);
        Inputs.requirePositiveFinite("Gamma-Gamma v", v);
    }

    /** Parameter names in order: p, q, v. */
    public static String[] parameterNames() {
        return NAMES.clone();
    }

    /** Fits one row per customer with default options; rows with frequency 0 are ignored. */
    public static FitResult<GammaGammaModel> fit(final double[] frequency, final double[] averageMonetaryValue) {
        return fit(frequency, averageMonetaryValue, null, FitOptions.defaults());
    }

    /**
     * Maximum-likelihood fit on the customers with frequency &gt; 0.
     *
     * @param frequency            repeat purchases per row (whole numbers &gt;= 0); rows with 0 are ignored
     * @param averageMonetaryValue mean value of the repeat transactions per row; must be &gt; 0 where
     *                             frequency &gt; 0, ignored (any value, even NaN) where frequency is 0
     * @param weights              customers each row stands for, or {@code null} for one each
     * @param options              fit options; the default minimum is {@value #DEFAULT_MIN_CUSTOMERS} repeat customers
     * @throws IllegalArgumentException on invalid input or too few repeat customers
     */
    public static FitResult<GammaGammaModel> fit(final double[] frequency, final double[] averageMonetaryValue,
                                                 final double[] weights, final FitOptions options) {
        final Data data = Data.of(frequency, averageMonetaryValue, weights);
        Inputs.requireMinimum(NAME, "customers with repeat purchases", data.total,
                options.minCustomersOr(DEFAULT_MIN_CUSTOMERS));
        // Fit in units of the mean spend, so start and divergence bounds do not depend on the currency;
        // v scales back, p and q are unit-free.
        final double scale = data.weightedMeanM();
        final Data scaled = data.rescaled(scale);
        final double[] start = options.initialParameters();
        if (start != null && start.length == 3) {
            start[2] /= scale;
        }
        final FitOptions scaledOptions = start == null ? options : options.withInitialParameters(start);
        final MaximumLikelihood.Outcome outcome = MaximumLikelihood.maximize(NAME, NAMES, scaled::logLikelihood,
                data.total, new double[] {1.0, 1.0, 1.0}, scaledOptions,
                "the spend data do not identify the model; e.g. all customers spend exactly the same", theta -> {
                    theta[2] *= scale;
                    return theta;
                }, data::logLikelihood);
        return MaximumLikelihood.toResult(outcome, NAMES, data.total, t -> new GammaGammaModel(t[0], t[1], t[2]));
    }

    /** Log-likelihood of one customer's average spend {@code m} over {@code x} &gt; 0 repeat transactions. */
    public double logLikelihood(final double x, final double m) {
        final double xx = Inputs.requireCount(NAME, "frequency", -1, x);
        if (xx == 0) {
            throw new IllegalArgumentException("Gamma-Gamma: the likelihood is defined for frequency > 0 only");
        }
        checkSpend(-1, m);
        final double px = p * xx;
        return Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q) + q * Math.log(v)
                + (px - 1) * Math.log(m) + px * Math.log(xx) - (px + q) * Math.log(xx * m + v);
    }

    /** Total log-likelihood of the repeat customers of a data set (rows with frequency 0 are skipped). */
    public double logLikelihood(final double[] frequency, final double[] averageMonetaryValue, final double[] weights) {
        return Data.of(frequency, averageMonetaryValue, weights).logLikelihood(new double[] {p, q, v});
    }

    /**
     * E[M | x, m]: expected average spend per transaction of a customer with {@code x} repeat transactions of
     * mean value {@code m}: p (v + x m) / (p x + q - 1), a weighted mean of the population mean p v / (q - 1)
     * and the customer's own mean. For x = 0 it is the population mean (m is ignored). Infinite when
     * p x + q &lt;= 1 (the fitted spend distribution has no finite mean).
     */
    public double conditionalExpectedAverageSpend(final double x, final double m) {
        final double xx = Inputs.requireCount(NAME, "frequency", -1, x);
        if (xx == 0) {
            return populationMeanSpend();
        }
        checkSpend(-1, m);
        final double denominator = p * xx + q - 1;
        return denominator > 0 ? p * (v + xx * m) / denominator : Double.POSITIVE_INFINITY;
    }

    /** Population mean spend per transaction p v / (q - 1); infinite when q &lt;= 1. */
    public double populationMeanSpend() {
        return q > 1 ? p * v / (q - 1) : Double.POSITIVE_INFINITY;
    }

    /**
     * Pearson correlation of frequency and average spend among customers with frequency &gt; 0. The model
     * assumes independence; a correlation far from 0 (say |rho| &gt; 0.3) is a warning sign.
     */
    public static double frequencyMonetaryCorrelation(final double[] frequency, final double[] averageMonetaryValue) {
        final Data data = Data.of(frequency, averageMonetaryValue, null);
        double sw = 0;
        double sx = 0;
        double sm = 0;
        for (int i = 0; i < data.x.length; i++) {
            sw += data.w[i];
            sx += data.w[i] * data.x[i];
            sm += data.w[i] * data.m[i];
        }
        final double mx = sx / sw;
        final double mm = sm / sw;
        double cxx = 0;
        double cmm = 0;
        double cxm = 0;
        for (int i = 0; i < data.x.length; i++) {
            final double dx = data.x[i] - mx;
            final double dm = data.m[i] - mm;
            cxx += data.w[i] * dx * dx;
            cmm += data.w[i] * dm * dm;
            cxm += data.w[i] * dx * dm;
        }
        return cxm / Math.sqrt(cxx * cmm);
    }

    private static void checkSpend(final int row, final double m) {
        Inputs.requireFinite(NAME, "averageMonetaryValue", row, m);
        if (!(m > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Gamma-Gamma: %s = %s must be > 0 for a customer with repeat purchases (net refunds or free "
                            + "orders cannot be modelled)", Inputs.label("averageMonetaryValue", row), m));
        }
    }

    /** Repeat customers collapsed to distinct (x, m) rows with summed weights. */
    private static final class Data {
        final double[] x;
        final double[] m;
        final double[] w;
        final int[] xIndex;
        final double[] distinctX;
        final double total;

        private Data(final double[] x, final double[] m, final double[] w, final int[] xIndex, final double[] distinctX,
                     final double total) {
            this.x = x;
            this.m = m;
            this.w = w;
            this.xIndex = xIndex;
            this.distinctX = distinctX;
            this.total = total;
        }

        private record Key(double x, double m) {
        }

        static Data of(final double[] frequency, final double[] monetary, final double[] weights) {
            Inputs.requireSameLength(NAME, new String[] {"frequency", "averageMonetaryValue"}, frequency, monetary);
            final double[] w = Inputs.weights(NAME, weights, frequency.length);
            final Map<Key, Double> rows = new HashMap<>();
            final TreeMap<Double, Integer> xs = new TreeMap<>();
            double total = 0;
            for (int i = 0; i < frequency.length; i++) {
                final double x = Inputs.requireCount(NAME, "frequency", i, frequency[i]);
                if (x == 0 || w[i] == 0) {
                    continue;
                }
                checkSpend(i, monetary[i]);
                rows.merge(new Key(x, monetary[i]), w[i], Double::sum);
                xs.putIfAbsent(x, 0);
                total += w[i];
            }
            final double[] distinct = Inputs.numberDistinct(xs);
            final int n = rows.size();
            final double[] ax = new double[n];
            final double[] am = new double[n];
            final double[] aw = new double[n];
            final int[] idx = new int[n];
            int i = 0;
            for (final Map.Entry<Key, Double> e : rows.entrySet()) {
                ax[i] = e.getKey().x();
                am[i] = e.getKey().m();
                aw[i] = e.getValue();
                idx[i] = xs.get(ax[i]);
                i++;
            }
            return new Data(ax, am, aw, idx, distinct, total);
        }

        /** The same customers with spend divided by {@code s}. */
        Data rescaled(final double s) {
            final double[] sm = new double[m.length];
            for (int i = 0; i < m.length; i++) {
                sm[i] = m[i] / s;
            }
            return new Data(x, sm, w, xIndex, distinctX, total);
        }

        double weightedMeanM() {
            double s = 0;
            for (int i = 0; i < m.length; i++) {
                s += w[i] * m[i];
            }
            return total > 0 ? s / total : 1.0;
        }

        double logLikelihood(final double[] theta) {
            final double p = theta[0];
            final double q = theta[1];
            final double v = theta[2];
            final double[] head = new double[distinctX.length];
            final double lgQ = Gamma.logGamma(q);
            final double qLogV = q * Math.log(v);
            for (int k = 0; k < distinctX.length; k++) {
                final double px = p * distinctX[k];
                head[k] = Gamma.logGamma(px + q) - Gamma.logGamma(px) - lgQ + qLogV + px * Math.log(distinctX[k]);
            }
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                final double px = p * x[i];
                sum += w[i] * (head[xIndex[i]] + (px - 1) * Math.log(m[i]) - (px + q) * Math.log(x[i] * m[i] + v));
            }
            return sum;
        }
    }
}
