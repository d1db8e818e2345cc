package io.kamwarehouse.models;

import java.util.Locale;

import org.apache.commons.math3.special.Gamma;

/**
 * Numerical helpers for the models: the Gauss hypergeometric function and log-space arithmetic.
 */
public final class SpecialFunctions {

    /** Relative accuracy the 2F1 series is summed to. */
    static final double SERIES_EPSILON = 1e-15;
    /** Hard cap on 2F1 series terms (reached only for |z| extremely close to 1). */
    static final int SERIES_MAX_TERMS = 5_000_000;

    private SpecialFunctions() {
    }

    /**
     * The Gauss hypergeometric function 2F1(a, b; c; z) = sum_n (a)_n (b)_n / ((c)_n n!) z^n for real
     * arguments with |z| &lt; 1, and at z = 1 by Gauss's theorem when c - a - b &gt; 0 (and c, c - a, c - b &gt; 0).
     *
     * <p>The series is summed until a rigorous bound on the remaining tail is below 1e-15 of the sum. The ratio
     * of consecutive terms is |z| (a+m)(b+m) / ((c+m)(m+1)); once m exceeds -a, -b and -c, each of the
     * factors (a+m)/(m+1), (b+m)/(c+m), (a+m)/(c+m), (b+m)/(m+1) is monotone in m and tends to 1, so for all
     * later terms the ratio is at most rho = |z| min(max(f1, 1) max(f2, 1), max(f3, 1) max(f4, 1)) evaluated at
     * the current m; once rho &lt; 1 the tail is at most |term| rho / (1 - rho). The series terminates exactly
     * when a or b is a non-positive integer.
     *
     * @throws IllegalArgumentException for non-finite arguments, |z| &gt; 1, z = 1 outside Gauss's case, or c a
     *                                  non-positive integer
     * @throws ArithmeticException      if the series has not converged within 5,000,000 terms
     */
    public static double hyp2f1(final double a, final double b, final double c, final double z) {
        if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(c) || !Double.isFinite(z)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "hyp2f1 needs finite arguments, got a=%s b=%s c=%s z=%s", a, b, c, z));
        }
        if (c <= 0 && c == Math.rint(c)) {
            throw new IllegalArgumentException("hyp2f1 is undefined for c a non-positive integer, got c=" + c);
        }
        if (z == 0 || a == 0 || b == 0) {
            return 1.0;
        }
        if (z == 1.0) {
            if (c - a - b > 0 && c - a > 0 && c - b > 0) {
                return Math.exp(Gamma.logGamma(c) + Gamma.logGamma(c - a - b) - Gamma.logGamma(c - a)
                        - Gamma.logGamma(c - b));
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "hyp2f1 at z = 1 is only supported when c - a - b, c - a, c - b and c are > 0 "
                            + "(got a=%s b=%s c=%s); the series diverges otherwise", a, b, c));
        }
        if (Math.abs(z) > 1.0) {
            throw new IllegalArgumentException("hyp2f1 is implemented for |z| <= 1 only, got z=" + z);
        }
        final double absZ = Math.abs(z);
        final double floor = Math.max(Math.max(-a, -b), -c);
        double sum = 1.0;
        double term = 1.0;
        for (int n = 0; n < SERIES_MAX_TERMS; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
            sum += term;
            if (term == 0.0) {
                return sum; // terminating series
            }
            final int m = n + 1; // the next term is term * ratio(m)
            if (m > floor) {
                final double pairing1 = Math.max((a + m) / (m + 1.0), 1.0) * Math.max((b + m) / (c + m), 1.0);
                final double pairing2 = Math.max((a + m) / (c + m), 1.0) * Math.max((b + m) / (m + 1.0), 1.0);
                final double rho = absZ * Math.min(pairing1, pairing2);
                if (rho < 1.0 && Math.abs(term) * rho / (1.0 - rho) <= SERIES_EPSILON * Math.abs(sum)) {
                    return sum;
                }
            }
            if (!Double.isFinite(sum)) {
                throw new ArithmeticException(String.format(Locale.ROOT,
                        "hyp2f1(%s, %s; %s; %s) overflowed after %d terms", a, b, c, z, n + 1));
            }
        }
        throw new ArithmeticException(String.format(Locale.ROOT,
                "hyp2f1(%s, %s; %s; %s) series did not converge within %d terms", a, b, c, z, SERIES_MAX_TERMS));
    }

    /** log(exp(x) + exp(y)) without overflow; either argument may be -infinity. */
    public static double logSumExp(final double x, final double y) {
        if (x == Double.NEGATIVE_INFINITY) {
            return y;
        }
        if (y == Double.NEGATIVE_INFINITY) {
            return x;
        }
        final double max = Math.max(x, y);
        return max + Math.log1p(Math.exp(-Math.abs(x - y)));
    }

    /** 1 / (1 + exp(x)) without overflow. */
    public static double inverseOnePlusExp(final double x) {
        if (x > 0) {
            final double e = Math.exp(-x);
            return e / (1.0 + e);
        }
        return 1.0 / (1.0 + Math.exp(x));
    }
}
