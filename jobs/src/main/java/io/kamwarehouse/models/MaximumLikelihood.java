package io.kamwarehouse.models;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximises a log-likelihood over strictly positive parameters: Nelder-Mead on the logarithms of the
 * parameters, restarted from the best point until a restart neither improves the objective nor moves the
 * point, then polished by a few Newton steps on a finite-difference Hessian (which also yields asymptotic
 * standard errors). Non-convergence (budget exhausted, parameter running off to 0 or infinity, non-finite
 * likelihood) is reported in the result, never thrown. Stateless and thread-safe: fits of different
 * segments may run in parallel.
 */
final class MaximumLikelihood {

    /**
     * |log(parameter)| beyond this (parameter outside [1e-3, 1e3] in the units the model fits in, where its
     * natural size is about 1) is taken as divergence: there the likelihood is flat, the data do not identify the
     * parameter (a shape of 1e5 says the same as one of 1e9: no spread at all), and the value is an accident of
     * where the optimiser stopped. A wider bound let a BG/NBD segment fit stop at r = 5.6e5, alpha = 5.9e3 and be
     * taken as converged; its predictions then overflowed the hypergeometric series.
     */
    static final double LOG_BOUND = Math.log(1e3);
    private static final int MAX_RESTARTS = 30;
    private static final double POINT_TOLERANCE = 1e-5;
    /** Value of the objective for parameters where the likelihood is not finite. */
    private static final double PENALTY = 1e100;
    private static final int NEWTON_STEPS = 6;
    /** Finite-difference steps in log-parameter space for the gradient and the Hessian. */
    private static final double GRADIENT_STEP = 1e-4;
    private static final double HESSIAN_STEP = 1e-3;

    private MaximumLikelihood() {
    }

    /** Outcome in natural units. */
    record Outcome(double[] parameters, double[] standardErrors, double logLikelihood, int iterations,
                   int evaluations, boolean converged, String message) {
    }

    /** Maps fitted (possibly rescaled) parameters back to the caller's units; identity when not rescaled. */
    interface Units {
        Units NATURAL = theta -> theta;

        double[] toNatural(double[] fitted);
    }

    /**
     * @param modelName        for messages, e.g. "BG/NBD"
     * @param names            parameter names
     * @param logLikelihood    total log-likelihood as a function of the natural (positive) parameters;
     *                         may return -infinity or NaN where undefined
     * @param sampleSize       number of customers (scales the objective so tolerances do not depend on it)
     * @param defaultStart     default starting point, natural units
     * @param options          fit options
     * @param divergenceHint   appended to the message when a parameter runs off
     */
    static Outcome maximize(final String modelName, final String[] names, final ToDoubleFunction<double[]> logLikelihood,
                            final double sampleSize, final double[] defaultStart, final FitOptions options,
                            final String divergenceHint) {
        return maximize(modelName, names, logLikelihood, sampleSize, defaultStart, options, divergenceHint,
                Units.NATURAL, logLikelihood);
    }

    /**
     * As above, with the likelihood maximised in rescaled units: {@code logLikelihood} and the start are in
     * fitted units, {@code units} maps the optimum back, and {@code naturalLogLikelihood} gives the reported
     * log-likelihood in the caller's units. Messages quote natural units.
     */
    static Outcome maximize(final String modelName, final String[] names, final ToDoubleFunction<double[]> logLikelihood,
                            final double sampleSize, final double[] defaultStart, final FitOptions options,
                            final String divergenceHint, final Units units,
                            final ToDoubleFunction<double[]> naturalLogLikelihood) {
        final int dim = names.length;
        final double[] start = options.initialParameters() != null ? options.initialParameters() : defaultStart.clone();
        if (start.length != dim) {
            throw new IllegalArgumentException(modelName + " has " + dim + " parameters " + String.join(", ", names)
                    + " but initialParameters has " + start.length + " values");
        }
        final double scale = Math.max(sampleSize, 1.0);
        final double penalty = options.penalty();
        final String fitName = penalty > 0
                ? String.format(Locale.ROOT, "regularised %s (penalty %s on log-parameters)", modelName, penalty)
                : modelName;
        final Tracker tracker = new Tracker(dim, u -> {
            final double[] theta = new double[dim];
            for (int i = 0; i < dim; i++) {
                theta[i] = Math.exp(u[i]);
                if (!(theta[i] > 0) || Double.isInfinite(theta[i])) {
                    return PENALTY;
                }
            }
            final double ll = logLikelihood.applyAsDouble(theta);
            if (!Double.isFinite(ll)) {
                return PENALTY;
            }
            double ridge = 0;
            for (int i = 0; i < dim; i++) {
                ridge += u[i] * u[i];
            }
            return -ll / scale + penalty * ridge;
        });

        double[] u = new double[dim];
        for (int i = 0; i < dim; i++) {
            u[i] = Math.log(start[i]);
        }
        double f = tracker.value(u);
        if (f >= PENALTY) {
            final double[] nan = new double[dim];
            java.util.Arrays.fill(nan, Double.NaN);
            return new Outcome(units.toNatural(start.clone()), nan, Double.NEGATIVE_INFINITY, 0, tracker.evaluations,
                    false,
                    modelName + " fit failed: the log-likelihood is not finite at the starting point "
                            + describe(names, units.toNatural(start.clone())));
        }

        int iterations = 0;
        int restarts = 0;
        boolean converged = false;
        String failure = null;
        final double relTol = options.relativeTolerance();
        for (; restarts <= MAX_RESTARTS; restarts++) {
            final int remaining = options.maxEvaluations() - tracker.evaluations;
            if (remaining <= dim + 1) {
                failure = "the evaluation budget of " + options.maxEvaluations() + " log-likelihood evaluations ran out";
                break;
            }
            final SimplexOptimizer optimizer = new SimplexOptimizer(new SimpleValueChecker(relTol, relTol * 1e-3));
            final double step = restarts == 0 ? 1.0 : 0.2;
            final double[] steps = new double[dim];
            java.util.Arrays.fill(steps, step);
            final PointValuePair result;
            try {
                result = optimizer.optimize(new MaxEval(remaining), new MaxIter(Integer.MAX_VALUE),
                        new ObjectiveFunction(tracker::value), GoalType.MINIMIZE, new InitialGuess(u),
                        new NelderMeadSimplex(steps));
            } catch (TooManyEvaluationsException e) {
                iterations += optimizer.getIterations();
                failure = "the evaluation budget of " + options.maxEvaluations() + " log-likelihood evaluations ran out";
                break;
            }
            iterations += optimizer.getIterations();
            final double[] next = result.getPoint();
            final double fNext = result.getValue();
            double moved = 0;
            for (int i = 0; i < dim; i++) {
                moved = Math.max(moved, Math.abs(next[i] - u[i]));
            }
            final double improvement = f - fNext;
            if (fNext <= f) {
                u = next;
                f = fNext;
            }
            if (restarts > 0 && improvement <= relTol * 10 * Math.max(1.0, Math.abs(f)) && moved <= POINT_TOLERANCE) {
                converged = true;
                break;
            }
        }
        if (!converged && failure == null) {
            failure = "the optimiser did not settle after " + MAX_RESTARTS + " restarts";
        }
        // The tracker's best point is never worse than the optimiser's answer.
        if (tracker.bestValue < f) {
            u = tracker.bestPoint.clone();
            f = tracker.bestValue;
        }
        // Newton polish with a finite-difference Hessian in log space: Nelder-Mead leaves flat directions a few
        // 1e-5 off; a couple of Newton steps put the point on the optimum, and the Hessian gives standard errors.
        double[] logSe = null;
        boolean inside = true;
        for (int i = 0; i < dim; i++) {
            inside &= Math.abs(u[i]) <= LOG_BOUND;
        }
        if (converged && inside) {
            for (int step = 0; step < NEWTON_STEPS; step++) {
                final double[][] h = hessian(tracker, u, f);
                final double[] g = gradient(tracker, u);
                final double[] delta = solvePositiveDefinite(h, g);
                if (delta == null) {
                    break;
                }
                double t = 1.0;
                boolean accepted = false;
                double largest = 0;
                for (int ls = 0; ls < 8 && !accepted; ls++, t /= 2) {
                    final double[] candidate = new double[dim];
                    largest = 0;
                    for (int i = 0; i < dim; i++) {
                        candidate[i] = u[i] - t * delta[i];
                        largest = Math.max(largest, Math.abs(t * delta[i]));
                    }
                    final double fc = tracker.value(candidate);
                    if (fc <= f) {
                        u = candidate;
                        f = fc;
                        accepted = true;
                    }
                }
                if (!accepted || largest < 1e-10) {
                    break;
                }
            }
            final double[][] h = hessian(tracker, u, f);
            final double[][] inverse = invertPositiveDefinite(h);
            if (inverse != null) {
                logSe = new double[dim];
                for (int i = 0; i < dim; i++) {
                    // the objective is the mean negative log-likelihood: covariance = (n H)^-1
                    logSe[i] = Math.sqrt(inverse[i][i] / scale);
                }
            }
        }
        final double[] fitted = new double[dim];
        for (int i = 0; i < dim; i++) {
            fitted[i] = Math.exp(u[i]);
        }
        final double[] theta = units.toNatural(fitted.clone());
        final double[] standardErrors = new double[dim];
        for (int i = 0; i < dim; i++) {
            // delta method: se(theta) = theta * se(log theta)
            standardErrors[i] = logSe == null ? Double.NaN : theta[i] * logSe[i];
        }
        final double ll = Double.isFinite(logLikelihood.applyAsDouble(fitted))
                ? naturalLogLikelihood.applyAsDouble(theta) : Double.NEGATIVE_INFINITY;
        final StringBuilder runaway = new StringBuilder();
        for (int i = 0; i < dim; i++) {
            if (Math.abs(u[i]) > LOG_BOUND) {
                runaway.append(runaway.length() == 0 ? "" : ", ").append(names[i])
                        .append(String.format(Locale.ROOT, " ran off to %.3g", theta[i]));
            }
        }
        String message;
        if (!Double.isFinite(ll) || f >= PENALTY) {
            converged = false;
            message = fitName + " fit failed: no parameters with a finite log-likelihood were found";
        } else if (runaway.length() > 0) {
            converged = false;
            message = fitName + " fit did not converge: " + runaway + " (" + divergenceHint + ")";
        } else if (!converged) {
            message = fitName + " fit did not converge: " + failure + "; best point " + describe(names, theta)
                    + String.format(Locale.ROOT, " with log-likelihood %.4f", ll);
        } else {
            message = fitName + " fit converged after " + iterations + " iterations (" + tracker.evaluations
                    + " evaluations, " + restarts + (restarts == 1 ? " restart" : " restarts") + "): "
                    + describe(names, theta)
                    + String.format(Locale.ROOT, ", log-likelihood %.4f", ll);
        }
        return new Outcome(theta, standardErrors, ll, iterations, tracker.evaluations, converged, message);
    }

    /** Builds the public result; a model that cannot be built from the parameters (non-finite) is null. */
    static <M> FitResult<M> toResult(final Outcome outcome, final String[] names, final double sampleSize,
                                     final Function<double[], M> factory) {
        final Map<String, Double> params = new LinkedHashMap<>();
        final Map<String, Double> errors = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            params.put(names[i], outcome.parameters()[i]);
            errors.put(names[i], outcome.standardErrors()[i]);
        }
        M model = null;
        String message = outcome.message();
        try {
            model = factory.apply(outcome.parameters());
        } catch (IllegalArgumentException e) {
            message = message + "; no model could be built: " + e.getMessage();
        }
        return new FitResult<>(model, params, errors, outcome.logLikelihood(), sampleSize, outcome.iterations(),
                outcome.evaluations(), outcome.converged() && model != null, message);
    }

    private static double[] gradient(final Tracker f, final double[] u) {
        final int n = u.length;
        final double[] g = new double[n];
        final double[] p = u.clone();
        for (int i = 0; i < n; i++) {
            p[i] = u[i] + GRADIENT_STEP;
            final double up = f.value(p);
            p[i] = u[i] - GRADIENT_STEP;
            final double down = f.value(p);
            p[i] = u[i];
            g[i] = (up - down) / (2 * GRADIENT_STEP);
        }
        return g;
    }

    private static double[][] hessian(final Tracker f, final double[] u, final double f0) {
        final int n = u.length;
        final double e = HESSIAN_STEP;
        final double[][] h = new double[n][n];
        final double[] p = u.clone();
        for (int i = 0; i < n; i++) {
            p[i] = u[i] + e;
            final double up = f.value(p);
            p[i] = u[i] - e;
            final double down = f.value(p);
            p[i] = u[i];
            h[i][i] = (up - 2 * f0 + down) / (e * e);
            for (int j = 0; j < i; j++) {
                p[i] = u[i] + e;
                p[j] = u[j] + e;
                final double pp = f.value(p);
                p[j] = u[j] - e;
                final double pm = f.value(p);
                p[i] = u[i] - e;
                final double mm = f.value(p);
                p[j] = u[j] + e;
                final double mp = f.value(p);
                p[i] = u[i];
                p[j] = u[j];
                h[i][j] = (pp - pm - mp + mm) / (4 * e * e);
                h[j][i] = h[i][j];
            }
        }
        return h;
    }

    /** H^-1 g, or null when H is not positive definite. */
    private static double[] solvePositiveDefinite(final double[][] h, final double[] g) {
        return Cholesky.solvePositiveDefinite(h, g);
    }

    private static double[][] invertPositiveDefinite(final double[][] h) {
        final double[][] l = Cholesky.factor(h);
        if (l == null) {
            return null;
        }
        final int n = h.length;
        final double[][] inverse = new double[n][];
        for (int j = 0; j < n; j++) {
            final double[] unit = new double[n];
            unit[j] = 1.0;
            inverse[j] = Cholesky.solve(l, unit);
        }
        return inverse;
    }

    static String describe(final String[] names, final double[] values) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append(String.format(Locale.ROOT, " = %.6g", values[i]));
        }
        return sb.toString();
    }

    /** Counts evaluations and remembers the best point, so an interrupted run still yields its best. */
    private static final class Tracker {
        private final ToDoubleFunction<double[]> objective;
        private int evaluations;
        private double bestValue = Double.POSITIVE_INFINITY;
        private final double[] bestPoint;

        Tracker(final int dim, final ToDoubleFunction<double[]> objective) {
            this.objective = objective;
            this.bestPoint = new double[dim];
        }

        double value(final double[] u) {
            evaluations++;
            double v = objective.applyAsDouble(u);
            if (Double.isNaN(v)) {
                v = PENALTY;
            }
            if (v < bestValue) {
                bestValue = v;
                System.arraycopy(u, 0, bestPoint, 0, u.length);
            }
            return v;
        }
    }
}
