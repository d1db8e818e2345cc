package io.kamwarehouse.models;

import java.util.Locale;

/** Input checks shared by the models; every failure is an {@link IllegalArgumentException} naming the row. */
final class Inputs {

    /** Tolerance for "recency <= T" and whole-number frequencies (rounding in upstream unit conversions). */
    static final double SLACK = 1e-9;

    private Inputs() {
    }

    /**
     * Numbers the keys of a sorted map 0, 1, 2... in key order (stored as its values) and returns
     * the keys as an array, so per-row work can be computed once per distinct value.
     */
    static double[] numberDistinct(final java.util.TreeMap<Double, Integer> values) {
        final double[] distinct = new double[values.size()];
        int k = 0;
        for (final java.util.Map.Entry<Double, Integer> e : values.entrySet()) {
            distinct[k] = e.getKey();
            e.setValue(k++);
        }
        return distinct;
    }

    static void requireSameLength(final String model, final String[] names, final double[]... arrays) {
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] == null) {
                throw new IllegalArgumentException(model + ": " + names[i] + " is null");
            }
        }
        for (int i = 1; i < arrays.length; i++) {
            if (arrays[i].length != arrays[0].length) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: %s has %d values but %s has %d; one value per customer is needed", model, names[i],
                        arrays[i].length, names[0], arrays[0].length));
            }
        }
    }

    static void requireFinite(final String model, final String name, final int row, final double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %s = %s is not a finite number",
                    model, label(name, row), value));
        }
    }

    static void requireNonNegative(final String model, final String name, final int row, final double value) {
        requireFinite(model, name, row, value);
        if (value < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %s = %s is negative",
                    model, label(name, row), value));
        }
    }

    /** A non-negative whole number (frequency counts repeat purchases). */
    static double requireCount(final String model, final String name, final int row, final double value) {
        requireNonNegative(model, name, row, value);
        final double rounded = Math.rint(value);
        if (Math.abs(value - rounded) > SLACK) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: %s = %s is not a whole number of repeat purchases", model, label(name, row), value));
        }
        return rounded;
    }

    /** {@code name[row]}, or just {@code name} for a single value (row &lt; 0). */
    static String label(final String name, final int row) {
        return row < 0 ? name : name + "[" + row + "]";
    }

    static double[] weights(final String model, final double[] weights, final int length) {
        if (weights == null) {
            final double[] ones = new double[length];
            java.util.Arrays.fill(ones, 1.0);
            return ones;
        }
        if (weights.length != length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: weights has %d values but there are %d customer rows", model, weights.length, length));
        }
        for (int i = 0; i < length; i++) {
            requireNonNegative(model, "weights", i, weights[i]);
        }
        return weights;
    }

    static void requireMinimum(final String model, final String what, final double count, final int minimum) {
        if (count <= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "segment has no %s; %s cannot be fitted", what, model));
        }
        if (count < minimum) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "segment has %s %s; at least %d are needed to fit %s", formatCount(count), what, minimum, model));
        }
    }

    static String formatCount(final double count) {
        return count == Math.rint(count) ? String.format(Locale.ROOT, "%d", (long) count)
                : String.format(Locale.ROOT, "%.2f", count);
    }

    static void requirePositiveFinite(final String what, final double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive finite number, got " + value);
        }
    }
}
