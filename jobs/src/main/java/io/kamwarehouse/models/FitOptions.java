package io.kamwarehouse.models;

import java.util.Arrays;

/**
 * Settings of a maximum-likelihood fit.
 *
 * @param minCustomers       smallest segment the fit accepts (customers, or the sum of the row weights;
 *                           for Gamma-Gamma the repeat customers; for sBG the cohort's initial count), or
 *                           {@link #MODEL_DEFAULT} for the model's own default
 * @param maxEvaluations     budget of log-likelihood evaluations over all optimiser restarts; when it runs
 *                           out the fit returns its best point with {@code converged = false}
 * @param relativeTolerance  convergence threshold on the mean negative log-likelihood (relative change)
 * @param initialParameters  starting point in natural units and in the model's parameter order
 *                           (e.g. r, alpha, a, b), or {@code null} for the model's default start
 * @param penalty            weight of an L2 penalty on the logarithms of the parameters (in the units the model
 *                           fits in, where each parameter's natural size is about 1), subtracted per customer from
 *                           the mean log-likelihood; 0 (the default) is plain maximum likelihood. A positive
 *                           penalty keeps parameters the data do not identify (a purchase rate or a dropout
 *                           probability that is the same for every customer sends a shape to infinity) finite,
 *                           at the cost of a small bias where they are identified.
 */
public record FitOptions(int minCustomers, int maxEvaluations, double relativeTolerance, double[] initialParameters,
                         double penalty) {

    /** Use the model's own minimum segment size. */
    public static final int MODEL_DEFAULT = -1;

    public FitOptions {
        if (minCustomers < MODEL_DEFAULT) {
            throw new IllegalArgumentException("minCustomers must be >= 0 (or MODEL_DEFAULT), got " + minCustomers);
        }
        if (maxEvaluations < 10) {
            throw new IllegalArgumentException("maxEvaluations must be at least 10, got " + maxEvaluations);
        }
        if (!(relativeTolerance > 0 && relativeTolerance < 1e-2)) {
            throw new IllegalArgumentException("relativeTolerance must be in (0, 0.01), got " + relativeTolerance);
        }
        if (!(penalty >= 0 && Double.isFinite(penalty))) {
            throw new IllegalArgumentException("penalty must be a finite number >= 0, got " + penalty);
        }
        if (initialParameters != null) {
            initialParameters = initialParameters.clone();
            for (int i = 0; i < initialParameters.length; i++) {
                if (!(initialParameters[i] > 0 && Double.isFinite(initialParameters[i]))) {
                    throw new IllegalArgumentException("initialParameters[" + i + "] must be a positive finite number, got "
                            + initialParameters[i]);
                }
            }
        }
    }

    /** Model default minimum, 20,000 evaluations, relative tolerance 1e-12, model default start, no penalty. */
    public static FitOptions defaults() {
        return new FitOptions(MODEL_DEFAULT, 20_000, 1e-12, null, 0.0);
    }

    public FitOptions withMinCustomers(final int value) {
        return new FitOptions(value, maxEvaluations, relativeTolerance, initialParameters, penalty);
    }

    public FitOptions withMaxEvaluations(final int value) {
        return new FitOptions(minCustomers, value, relativeTolerance, initialParameters, penalty);
    }

    public FitOptions withRelativeTolerance(final double value) {
        return new FitOptions(minCustomers, maxEvaluations, value, initialParameters, penalty);
    }

    public FitOptions withInitialParameters(final double... values) {
        return new FitOptions(minCustomers, maxEvaluations, relativeTolerance, values, penalty);
    }

    public FitOptions withPenalty(final double value) {
        return new FitOptions(minCustomers, maxEvaluations, relativeTolerance, initialParameters, value);
    }

    @Override
    public double[] initialParameters() {
        return initialParameters == null ? null : initialParameters.clone();
    }

    int minCustomersOr(final int modelDefault) {
        return minCustomers == MODEL_DEFAULT ? modelDefault : minCustomers;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof FitOptions other && minCustomers == other.minCustomers
                && maxEvaluations == other.maxEvaluations
                && Double.compare(relativeTolerance, other.relativeTolerance) == 0
                && Arrays.equals(initialParameters, other.initialParameters)
                && Double.compare(penalty, other.penalty) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * minCustomers + maxEvaluations) + Double.hashCode(relativeTolerance))
                + Arrays.hashCode(initialParameters) + 17 * Double.hashCode(penalty);
    }

    @Override
    public String toString() {
        return "FitOptions[minCustomers=" + (minCustomers == MODEL_DEFAULT ? "model default" : minCustomers)
                + ", maxEvaluations=" + maxEvaluations + ", relativeTolerance=" + relativeTolerance
                + ", initialParameters=" + Arrays.toString(initialParameters) + ", penalty=" + penalty + "]";
    }
}
