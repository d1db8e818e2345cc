package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import io.kamwarehouse.testing.SharedSpark;

/**
 * The driver's logistic regression minimises MLlib's objective: on the same rows (numbers on scales a
 * thousand apart, a one-hot category, a constant column) it gives MLlib's coefficients and a loss no
 * higher than MLlib's, with and without the penalty.
 */
class LogisticFitTest {

    /** 600 deals: an amount in yuan, days in stage, a stage one-hot over three values, and a column that never varies. */
    private static double[][] rows(final double[] y) {
        final SplittableRandom r = new SplittableRandom(7);
        final double[][] x = new double[y.length][];
        for (int i = 0; i < y.length; i++) {
            final double amount = 50_000 + r.nextDouble() * 2_000_000;
            final double days = r.nextInt(120);
            final int stage = r.nextInt(3);
            x[i] = new double[] {amount, days, stage == 0 ? 1 : 0, stage == 1 ? 1 : 0, stage == 2 ? 1 : 0, 1.0};
            final double m = -0.5 + 0.4e-6 * amount - 0.02 * days + (stage == 2 ? 1.5 : stage == 1 ? 0.5 : 0);
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
        }
        return x;
    }

    @Test
    void theDriversFitIsMllibsFit() {
        final SparkSession spark = SharedSpark.spark();
        final double[] y = new double[600];
        final double[][] full = rows(y);
        for (final double lambda : new double[] {0.0, 0.01, 0.5}) {
            // without a penalty a category's every level beside the intercept has no unique fit: one level is left out
            final double[][] x = lambda > 0 ? full : java.util.Arrays.stream(full).map(v -> new double[] {v[0], v[1], 0, v[3], v[4], v[5]})
                    .toArray(double[][]::new);
            final List<Row> data = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                data.add(RowFactory.create(y[i], Vectors.dense(x[i])));
            }
            final Dataset<Row> train = spark.createDataFrame(data, new StructType().add("label", DataTypes.DoubleType)
                    .add("features", SQLDataTypes.VectorType())).coalesce(1);
            final LogisticRegressionModel ml = new LogisticRegression().setFamily("binomial").setMaxIter(200).setTol(1e-12)
                    .setRegParam(lambda).setElasticNetParam(0.0).setStandardization(true).fit(train);
            final double[] history = ml.summary().objectiveHistory();
            final LogisticFit.Result own = LogisticFit.fit(x, y, lambda, 100);
            assertTrue(own.converged(), "lambda " + lambda + ": " + own.iterations() + " iterations");
            assertTrue(own.iterations() <= 20, "lambda " + lambda + ": " + own.iterations() + " Newton steps");
            assertTrue(own.loss() <= history[history.length - 1] + 1e-12, "lambda " + lambda + ": loss " + own.loss()
                    + " above MLlib's " + history[history.length - 1]);
            assertEquals(ml.intercept(), own.intercept(), 1e-4 * Math.max(1, Math.abs(ml.intercept())), "lambda " + lambda);
            final double[] coef = ml.coefficients().toArray();
            for (int j = 0; j < coef.length; j++) {
                assertEquals(coef[j], own.coefficients()[j], 1e-4 * Math.max(Math.abs(coef[j]), 1e-6), "lambda " + lambda + ", coefficient " + j);
            }
            assertEquals(0.0, own.coefficients()[5], 0.0, "a constant column has no coefficient");
        }
        // the same rows give the same fit to the last digit
        final LogisticFit.Result a = LogisticFit.fit(full, y, 0.01, 100);
        final LogisticFit.Result b = LogisticFit.fit(full, y, 0.01, 100);
        assertEquals(a.intercept(), b.intercept(), 0.0);
        assertEquals(java.util.Arrays.toString(a.coefficients()), java.util.Arrays.toString(b.coefficients()));
        // a cap on the steps is reported as not converged
        assertTrue(!LogisticFit.fit(full, y, 0.01, 1).converged());
    }
}
