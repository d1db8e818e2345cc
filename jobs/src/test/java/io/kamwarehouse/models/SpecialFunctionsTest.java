package io.kamwarehouse.models;

import static io.kamwarehouse.models.SpecialFunctions.hyp2f1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

    private static void close(final double expected, final double actual, final double relative, final String what) {
        assertEquals(expected, actual, relative * Math.max(1e-300, Math.abs(expected)), what);
    }

    @Test
    void hyp2f1MatchesClosedForms() {
        for (final double z : new double[] {-0.9, -0.5, 0.01, 0.3, 0.5, 0.9, 0.99, 0.999}) {
            // 2F1(1, 1; 2; z) = -ln(1 - z) / z
            close(-Math.log1p(-z) / z, hyp2f1(1, 1, 2, z), 1e-13, "2F1(1,1;2;" + z + ")");
            // 2F1(a, b; b; z) = (1 - z)^-a
            close(Math.pow(1 - z, -0.37), hyp2f1(0.37, 2.5, 2.5, z), 1e-13, "2F1(a,b;b;" + z + ")");
        }
        for (final double y : new double[] {0.1, 0.5, 0.9, 0.99}) {
            // 2F1(1/2, 1/2; 3/2; y^2) = asin(y) / y ; 2F1(1/2, 1; 3/2; -y^2) = atan(y) / y
            close(Math.asin(y) / y, hyp2f1(0.5, 0.5, 1.5, y * y), 1e-13, "asin " + y);
            close(Math.atan(y) / y, hyp2f1(0.5, 1, 1.5, -y * y), 1e-13, "atan " + y);
        }
    }

    @Test
    void hyp2f1MatchesHighPrecisionReferenceValues() {
        // mpmath.hyp2f1 at 30 digits
        close(5432087228257.9115403, hyp2f1(50, 60, 70, 0.5), 1e-12, "large parameters");
        close(-0.50286722149921812338, hyp2f1(2.5, -0.3, 1.7, 0.95), 1e-12, "negative b");
        close(6.5310931089652133833, hyp2f1(0.243, 2.426, 1.219, 0.9), 1e-13, "BG/NBD-like");
        close(5.7360667601244920081, hyp2f1(1, 3.5, 5.2, 0.999), 1e-12, "z near 1");
        close(1.2553698445346280782, hyp2f1(-0.7, 1.3, -2.5, 0.4), 1e-13, "negative c");
    }

    @Test
    void hyp2f1SpecialCases() {
        assertEquals(1.0, hyp2f1(3, 4, 5, 0), 0.0);
        // terminating series: 2F1(-3, 2; 5; z) is a cubic
        final double z = 0.7;
        final double cubic = 1 + (-3.0 * 2 / 5) * z + (-3.0 * -2 * 2 * 3 / (5 * 6 * 2)) * z * z
                + (-3.0 * -2 * -1 * 2 * 3 * 4 / (5 * 6 * 7 * 6)) * z * z * z;
        close(cubic, hyp2f1(-3, 2, 5, z), 1e-14, "terminating");
        // Gauss's theorem at z = 1: Gamma(5) Gamma(2) / (Gamma(4) Gamma(3)) = 2
        close(2.0, hyp2f1(1, 2, 5, 1.0), 1e-12, "Gauss");
    }

    @Test
    void hyp2f1RejectsArgumentsOutsideItsDomain() {
        assertThrows(IllegalArgumentException.class, () -> hyp2f1(1, 1, -2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> hyp2f1(1, 1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> hyp2f1(1, 1, 2, 1.5));
        assertThrows(IllegalArgumentException.class, () -> hyp2f1(1, 1, 2, Double.NaN));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hyp2f1(1, 1, 2, 1.0));
        assertTrue(e.getMessage().contains("z = 1"), e.getMessage());
    }

    @Test
    void logSpaceHelpersDoNotOverflow() {
        assertEquals(1000 + Math.log(2), SpecialFunctions.logSumExp(1000, 1000), 1e-12);
        assertEquals(3.0, SpecialFunctions.logSumExp(Double.NEGATIVE_INFINITY, 3.0), 0.0);
        assertEquals(-5.0, SpecialFunctions.logSumExp(-5.0, Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(Math.log(Math.exp(-2) + Math.exp(1.5)), SpecialFunctions.logSumExp(-2, 1.5), 1e-14);
        assertEquals(0.0, SpecialFunctions.inverseOnePlusExp(800), 1e-300);
        assertEquals(1.0, SpecialFunctions.inverseOnePlusExp(-800), 0.0);
        assertEquals(0.5, SpecialFunctions.inverseOnePlusExp(0), 0.0);
        assertEquals(1 / (1 + Math.exp(2.5)), SpecialFunctions.inverseOnePlusExp(2.5), 1e-16);
    }
}
