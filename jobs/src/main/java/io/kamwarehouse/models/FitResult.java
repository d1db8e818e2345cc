package io.kamwarehouse.models;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Outcome of a maximum-likelihood fit: the fitted model, its parameters by name (in the model's order),
 * the maximised log-likelihood, the optimiser's work, and whether it converged.
 *
 * <p>A fit that did not converge is returned, not thrown: {@code converged} is false and {@code message}
 * says why (evaluation budget exhausted, a parameter running off to 0 or infinity because the data do not
 * identify the model, a non-finite likelihood). {@code model} then holds the best point found, or is
 * {@code null} when no valid point was found. Call {@link #requireConverged()} to turn that into an exception.
 *
 * @param model         the fitted model (best point found)
 * @param parameters    parameter name to value, in the model's parameter order
 * @param standardErrors asymptotic standard error of each parameter (inverse observed information, by
 *                      finite differences in log-parameter space and the delta method); NaN when the fit did
 *                      not converge or the information matrix is not positive definite
 * @param logLikelihood total log-likelihood at the fitted parameters (sum over customers, weighted)
 * @param sampleSize    number of customers (sum of weights) that entered the likelihood
 * @param iterations    optimiser iterations over all restarts
 * @param evaluations   log-likelihood evaluations over all restarts
 * @param converged     whether the optimiser met its convergence test with all parameters inside sane bounds
 * @param message       human-readable account of the outcome
 * @param <M>           model type
 */
public record FitResult<M>(M model, Map<String, Double> parameters, Map<String, Double> standardErrors,
                           double logLikelihood, double sampleSize,
                           int iterations, int evaluations, boolean converged, String message) {

    public FitResult {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
    }

    /** A fitted parameter by name, e.g. {@code "alpha"}. */
    public double parameter(final String name) {
        final Double value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; parameters are " + parameters.keySet());
        }
        return value;
    }

    /** Standard error of a fitted parameter by name (NaN when unavailable). */
    public double standardError(final String name) {
        final Double value = standardErrors.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; parameters are " + standardErrors.keySet());
        }
        return value;
    }

    /** How many times a penalty that does not hold the fit is tried again, ten times stronger each time. */
    public static final int PENALTY_ESCALATIONS = 2;

    /**
     * Fits by plain maximum likelihood; when that does not converge and {@code penalty} is positive, fits again
     * with that L2 penalty on the log-parameters ({@link FitOptions#penalty()}); when the penalty does not hold
     * the parameters either (a small book whose likelihood keeps rising as a parameter runs off), with ten
     * times the penalty, up to {@link #PENALTY_ESCALATIONS} times. Returns the last fit, whose message starts
     * with why each earlier one was not used. A fit that found no point at all (the data refused) is not
     * tried again. The work reported is every fit's.
     */
    public static <M> FitResult<M> regularisedIfNeeded(final Function<FitOptions, FitResult<M>> fit, final FitOptions options,
                                                       final double penalty) {
        final FitResult<M> plain = fit.apply(options.withPenalty(0.0));
        if (plain.converged() || !(penalty > 0)) {
            return plain;
        }
        final StringBuilder why = new StringBuilder("maximum likelihood did not converge (").append(plain.message()).append("); ");
        int iterations = plain.iterations();
        int evaluations = plain.evaluations();
        double p = penalty;
        FitResult<M> held = fit.apply(options.withPenalty(p));
        for (int tries = 0; !held.converged() && held.model() != null && tries < PENALTY_ESCALATIONS; tries++) {
            iterations += held.iterations();
            evaluations += held.evaluations();
            why.append(held.message()).append("; ");
            p *= 10;
            held = fit.apply(options.withPenalty(p));
        }
        return new FitResult<>(held.model(), held.parameters(), held.standardErrors(), held.logLikelihood(),
                held.sampleSize(), iterations + held.iterations(), evaluations + held.evaluations(),
                held.converged(), why + held.message());
    }

    /** The model, or an {@link IllegalStateException} carrying {@link #message()} when the fit did not converge. */
    public M requireConverged() {
        if (!converged || model == null) {
            throw new IllegalStateException(message);
        }
        return model;
    }
}
