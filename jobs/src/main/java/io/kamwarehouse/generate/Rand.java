package io.kamwarehouse.generate;

import java.util.SplittableRandom;

/** Deterministic random helpers: seed derivation (SplitMix64) and small sampling utilities. */
final class Rand {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Rand() {
    }

    static long mix64(final long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A stable 64-bit tag of a name (String.hashCode is specified, so this is stable across JVMs). */
    static long tag(final String name) {
        return mix64(name.hashCode() * GOLDEN + name.length());
    }

    /** A seed derived from a base seed and a sequence of parts. */
    static long derive(final long seed, final long... parts) {
        long h = mix64(seed + GOLDEN);
        for (final long part : parts) {
            h = mix64(h ^ (part * GOLDEN + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    static SplittableRandom rng(final long seed, final long... parts) {
        return new SplittableRandom(derive(seed, parts));
    }

    /** A uniform double in [0, 1) that depends only on the seed and the parts. */
    static double unit(final long seed, final long... parts) {
        return (derive(seed, parts) >>> 11) * 0x1.0p-53;
    }

    /** Uniform int in [lo, hi] (both inclusive). */
    static int between(final SplittableRandom r, final int lo, final int hi) {
        if (hi <= lo) {
            return lo;
        }
        return lo + r.nextInt(hi - lo + 1);
    }

    static long betweenLong(final SplittableRandom r, final long lo, final long hi) {
        if (hi <= lo) {
            return lo;
        }
        return lo + r.nextLong(hi - lo + 1);
    }

    static double uniform(final SplittableRandom r, final double lo, final double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    static boolean chance(final SplittableRandom r, final double p) {
        return r.nextDouble() < p;
    }

    static <T> T pick(final SplittableRandom r, final T[] values) {
        return values[r.nextInt(values.length)];
    }

    static int pick(final SplittableRandom r, final int[] values) {
        return values[r.nextInt(values.length)];
    }

    /** Index drawn with the given (not necessarily normalised) weights. */
    static int weighted(final SplittableRandom r, final double[] weights) {
        double total = 0;
        for (final double w : weights) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Standard normal deviate (Box-Muller with two uniforms, independent of JDK internals). */
    static double gaussian(final SplittableRandom r) {
        double u1 = r.nextDouble();
        while (u1 <= 1e-12) {
            u1 = r.nextDouble();
        }
        final double u2 = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Poisson deviate (Knuth for small means, normal approximation for large ones). */
    static int poisson(final SplittableRandom r, final double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 40) {
            return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * gaussian(r)));
        }
        final double limit = Math.exp(-mean);
        double p = 1.0;
        int k = 0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    /** Rounds a positive amount (in cents) to a multiple of {@code unitCents}, at least one unit. */
    static long roundTo(final double cents, final long unitCents) {
        final long units = Math.max(1L, Math.round(cents / unitCents));
        return units * unitCents;
    }
}
