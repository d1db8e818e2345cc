package io.kamwarehouse.jobs;

/**
 * A binomial logistic regression with an intercept and an L2 penalty on the standardised
 * coefficients: the objective Spark MLlib's {@code LogisticRegression} minimises with
 * {@code standardization} on and an elastic-net mixing of 0,
 *
 * <pre>
 *   (1/n) sum_i [ log(1 + exp(m_i)) - y_i m_i ]  +  (lambda / 2) sum_j (beta_j sigma_j)^2,   m_i = b + x_i . beta
 * </pre>
 *
 * where sigma_j is feature j's sample standard deviation (a constant feature gets no coefficient), solved
 * on the driver by Newton's method with a backtracking line search. For training sets that fit in the
 * driver's memory this gives MLlib's fit (to its tolerance; Newton's to machine precision) without a Spark
 * job per iteration: at the demo's size a fit took seconds as jobs and takes milliseconds here.
 * Sums run in the rows' order, so the same rows give the same coefficients to the last digit.
 */
final class LogisticFit {

    /** The fit on the features' original scale: intercept, coefficients, the training means, the penalised loss. */
    record Result(double intercept, double[] coefficients, double[] means, double loss, int iterations, boolean converged) {
    }

    private LogisticFit() {
    }

    /**
     * Fits {@code y} (0 or 1) on the rows of {@code x}; stops when the Newton decrement is negligible or after
     * {@code maxIterations} steps ({@link Result#converged()} false then).
     */
    static Result fit(final double[][] x, final double[] y, final double lambda, final int maxIterations) {
        final int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("a fit needs rows, and an outcome for each: " + n + " rows, " + y.length + " outcomes");
        }
        final int p = x[0].length;
        final double[] mean = new double[p];
        for (final double[] row : x) {
            for (int j = 0; j < p; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < p; j++) {
            mean[j] /= n;
        }
        final double[] sd = new double[p];
        for (final double[] row : x) {
            for (int j = 0; j < p; j++) {
                final double d = row[j] - mean[j];
                sd[j] += d * d;
            }
        }
        // the active features: those that vary (MLlib gives a constant feature no coefficient)
        int k = 0;
        final int[] active = new int[p];
        for (int j = 0; j < p; j++) {
            sd[j] = n > 1 ? Math.sqrt(sd[j] / (n - 1)) : 0.0;
            if (sd[j] > 0.0) {
                active[k++] = j;
            }
        }
        // standardised and centred columns (centring moves only the intercept, which is not penalised)
        final int d = k + 1;
        final double[][] z = new double[n][d];
        double ySum = 0;
        for (int i = 0; i < n; i++) {
            z[i][0] = 1.0;
            for (int a = 0; a < k; a++) {
                final int j = active[a];
                z[i][a + 1] = (x[i][j] - mean[j]) / sd[j];
            }
            ySum += y[i];
        }
        final double[] theta = new double[d];
        final double yMean = ySum / n;
        theta[0] = yMean > 0 && yMean < 1 ? Math.log(yMean / (1 - yMean)) : 0.0;
        double loss = loss(z, y, theta, lambda);
        int iterations = 0;
        boolean converged = false;
        final double[] grad = new double[d];
        final double[][] hess = new double[d][d];
        final double[] trial = new double[d];
        while (iterations < maxIterations) {
            java.util.Arrays.fill(grad, 0.0);
            for (final double[] h : hess) {
                java.util.Arrays.fill(h, 0.0);
            }
            for (int i = 0; i < n; i++) {
                final double pi = sigmoid(dot(z[i], theta));
                final double r = pi - y[i];
                final double w = pi * (1 - pi);
                final double[] zi = z[i];
                for (int a = 0; a < d; a++) {
                    grad[a] += r * zi[a];
                    final double wa = w * zi[a];
                    for (int b = 0; b <= a; b++) {
                        hess[a][b] += wa * zi[b];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                grad[a] /= n;
                for (int b = 0; b <= a; b++) {
                    hess[a][b] /= n;
                    hess[b][a] = hess[a][b];
                }
                if (a > 0) {
                    grad[a] += lambda * theta[a];
                    hess[a][a] += lambda;
                }
            }
            final double[] step = solve(hess, grad);
            final double decrement = dot(grad, step);
            if (!(decrement > 1e-20)) {
                converged = true;
                break;
            }
            iterations++;
            double t = 1.0;
            double next = Double.NaN;
            for (int halvings = 0; halvings < 60; halvings++, t /= 2) {
                for (int a = 0; a < d; a++) {
                    trial[a] = theta[a] - t * step[a];
                }
                next = loss(z, y, trial, lambda);
                if (next <= loss - 1e-4 * t * decrement) {
                    break;
                }
            }
            if (!(next <= loss)) {
                converged = true; // no step lowers the loss any further: at the optimum to rounding
                break;
            }
            System.arraycopy(trial, 0, theta, 0, d);
            final double previous = loss;
            loss = next;
            if (decrement < 1e-14 || previous - loss <= 1e-15 * Math.max(1.0, Math.abs(loss))) {
                converged = true;
                break;
            }
        }
        // back to the original scale
        final double[] coef = new double[p];
        double intercept = theta[0];
        for (int a = 0; a < k; a++) {
            final int j = active[a];
            coef[j] = theta[a + 1] / sd[j];
            intercept -= coef[j] * mean[j];
        }
        return new Result(intercept, coef, mean, loss, iterations, converged);
    }

    private static double loss(final double[][] z, final double[] y, final double[] theta, final double lambda) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            final double m = dot(z[i], theta);
            sum += softplus(m) - y[i] * m;
        }
        double penalty = 0;
        for (int a = 1; a < theta.length; a++) {
            penalty += theta[a] * theta[a];
        }
        return sum / z.length + lambda / 2 * penalty;
    }

    private static double dot(final double[] a, final double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sigmoid(final double m) {
        if (m >= 0) {
            return 1 / (1 + Math.exp(-m));
        }
        final double e = Math.exp(m);
        return e / (1 + e);
    }

    /** log(1 + exp(m)) without overflow. */
    private static double softplus(final double m) {
        return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    }

    /**
     * Solves {@code h s = g} for a symmetric positive definite {@code h}; a matrix that is not (an outcome a
     * feature separates perfectly, with no penalty) gets a small ridge added until it is.
     */
    private static double[] solve(final double[][] h, final double[] g) {
        double ridge = 0;
        for (int attempt = 0; attempt < 30; attempt++) {
            final double[][] m = new double[h.length][];
            for (int i = 0; i < h.length; i++) {
                m[i] = h[i].clone();
                m[i][i] += ridge;
            }
            final double[] s = io.kamwarehouse.models.Cholesky.solvePositiveDefinite(m, g);
            if (s != null) {
                return s;
            }
            ridge = ridge == 0 ? 1e-10 : ridge * 10;
        }
        return g.clone(); // a gradient step: the line search still lowers the loss
    }
}
