package io.kamwarehouse.models;

/** Linear systems with a symmetric positive definite matrix, by its Cholesky factor: the Newton steps of the model fits. */
public final class Cholesky {

    private Cholesky() {
    }

    /** The lower Cholesky factor of a symmetric matrix, or null when it is not (numerically) positive definite. */
    static double[][] factor(final double[][] a) {
        final int n = a.length;
        final double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(sum > 1e-14 * Math.max(1.0, Math.abs(a[i][i]))) || !Double.isFinite(sum)) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    /** x with L L^T x = b, for the factor {@code l} of {@link #factor}. */
    static double[] solve(final double[][] l, final double[] b) {
        final int n = b.length;
        final double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * y[k];
            }
            y[i] = sum / l[i][i];
        }
        final double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    /** H^-1 g, or null when H is not positive definite. */
    public static double[] solvePositiveDefinite(final double[][] h, final double[] g) {
        final double[][] l = factor(h);
        return l == null ? null : solve(l, g);
    }
}
