package io.kamwarehouse.models;

import java.io.Serializable;
import java.util.Locale;

/**
 * Discounted expected future revenue of a customer from BG/NBD transactions and Gamma-Gamma spend, as in the
 * {@code lifetimes} library's {@code customer_lifetime_value}:
 * <pre>
 *   CLV = sum_{i=1..H} (E[Y(i u) | x, t_x, T] - E[Y((i-1) u) | x, t_x, T]) * spend / (1 + d)^i
 * </pre>
 * with H the horizon in months, u the number of model time units per month, d the monthly discount rate and
 * spend the Gamma-Gamma conditional expected average spend. The result is revenue; apply the margin yourself
 * (multiply by it).
 *
 * @param horizonMonths       number of months summed (e.g. 36)
 * @param monthlyDiscountRate discount rate per month (&gt;= 0)
 * @param timeUnitsPerMonth   model time units in a month: {@link #WEEKS_PER_MONTH} when frequency/recency/T
 *                            were in weeks, {@link #DAYS_PER_MONTH} for days
 */
public record CustomerLifetimeValue(int horizonMonths, double monthlyDiscountRate, double timeUnitsPerMonth)
        implements Serializable {

    /** Average weeks in a month, 365.25 / 12 / 7 = 4.348. */
    public static final double WEEKS_PER_MONTH = 365.25 / 12.0 / 7.0;
    /** Average days in a month, 365.25 / 12 = 30.44. */
    public static final double DAYS_PER_MONTH = 365.25 / 12.0;
    /** The weeks-per-month factor hard-coded in {@code lifetimes} (4.345), to reproduce its numbers. */
    public static final double LIFETIMES_WEEKS_PER_MONTH = 4.345;

    public CustomerLifetimeValue {
        if (horizonMonths < 1) {
            throw new IllegalArgumentException("CLV horizon must be at least 1 month, got " + horizonMonths);
        }
        if (!(monthlyDiscountRate >= 0) || !Double.isFinite(monthlyDiscountRate)) {
            throw new IllegalArgumentException("CLV monthly discount rate must be a finite number >= 0, got "
                    + monthlyDiscountRate);
        }
        Inputs.requirePositiveFinite("CLV timeUnitsPerMonth", timeUnitsPerMonth);
    }

    /**
     * Settings from an annual discount rate, converted to the equivalent compound monthly rate
     * (1 + annual)^(1/12) - 1 (e.g. 10% a year is 0.797% a month).
     */
    public static CustomerLifetimeValue withAnnualRate(final int horizonMonths, final double annualDiscountRate,
                                                       final double timeUnitsPerMonth) {
        if (!(annualDiscountRate > -1) || !Double.isFinite(annualDiscountRate)) {
            throw new IllegalArgumentException("CLV annual discount rate must be a finite number > -1, got "
                    + annualDiscountRate);
        }
        return new CustomerLifetimeValue(horizonMonths, monthlyRateFromAnnual(annualDiscountRate), timeUnitsPerMonth);
    }

    /** Settings from a monthly discount rate, as {@code lifetimes} takes it. */
    public static CustomerLifetimeValue withMonthlyRate(final int horizonMonths, final double monthlyDiscountRate,
                                                        final double timeUnitsPerMonth) {
        return new CustomerLifetimeValue(horizonMonths, monthlyDiscountRate, timeUnitsPerMonth);
    }

    /** (1 + annual)^(1/12) - 1. */
    public static double monthlyRateFromAnnual(final double annualDiscountRate) {
        return Math.expm1(Math.log1p(annualDiscountRate) / 12.0);
    }

    /**
     * Discounted expected revenue of a customer, with spend per transaction from the Gamma-Gamma model
     * ({@link GammaGammaModel#conditionalExpectedAverageSpend}).
     *
     * @param averageMonetaryValue the customer's mean repeat-transaction value (ignored when x = 0)
     */
    public double value(final BgNbdModel transactions, final GammaGammaModel spend, final double x, final double tx,
                        final double T, final double averageMonetaryValue) {
        return value(transactions, x, tx, T, spend.conditionalExpectedAverageSpend(x, averageMonetaryValue));
    }

    /** Discounted expected revenue of a customer given her expected spend per transaction. */
    public double value(final BgNbdModel transactions, final double x, final double tx, final double T,
                        final double expectedSpendPerTransaction) {
        if (!Double.isFinite(expectedSpendPerTransaction)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "CLV: expected spend per transaction must be finite, got %s", expectedSpendPerTransaction));
        }
        final double[] perMonth = discountedTransactionsPerMonth(transactions, x, tx, T);
        double total = 0;
        for (final double v : perMonth) {
            total += v;
        }
        return total * expectedSpendPerTransaction;
    }

    /**
     * Discounted expected transactions per month i = 1..H: (E[Y(i u)] - E[Y((i-1) u)]) / (1 + d)^i, the
     * building block of {@link #value} (multiply by spend per transaction, and by margin).
     */
    public double[] discountedTransactionsPerMonth(final BgNbdModel transactions, final double x, final double tx,
                                                   final double T) {
        final double[] out = new double[horizonMonths];
        double previous = 0;
        final double logDiscount = Math.log1p(monthlyDiscountRate);
        for (int i = 1; i <= horizonMonths; i++) {
            final double cumulative = transactions.conditionalExpectedTransactions(i * timeUnitsPerMonth, x, tx, T);
            out[i - 1] = (cumulative - previous) * Math.exp(-i * logDiscount);
            previous = cumulative;
        }
        return out;
    }
}
