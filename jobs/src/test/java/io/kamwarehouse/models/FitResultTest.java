package io.kamwarehouse.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** The penalty a fit falls back on: tried when plain maximum likelihood does not converge, and made stronger when it does not hold. */
class FitResultTest {

    /** A fit that converges once its penalty reaches {@code holds} (never when it is null), recording the penalties it was given. */
    private static Function<FitOptions, FitResult<String>> fit(final Double holds, final List<Double> given) {
        return o -> {
            given.add(o.penalty());
            final boolean ok = holds != null && o.penalty() >= holds - 1e-12;
            final String name = o.penalty() > 0 ? String.format(Locale.ROOT, "regularised M (penalty %s)", o.penalty()) : "M";
            return new FitResult<>("model at " + o.penalty(), Map.of("r", ok ? 2.0 : 5e4), Map.of("r", Double.NaN), -10.0, 50,
                    3, 7, ok, name + (ok ? " fit converged" : " fit did not converge: r ran off"));
        };
    }

    @Test
    void aPenaltyThatDoesNotHoldIsTriedTenTimesStrongerAndTheMessageSaysWhy() {
        final List<Double> given = new ArrayList<>();
        final FitResult<String> r = FitResult.regularisedIfNeeded(fit(0.01, given), FitOptions.defaults(), 0.001);
        assertEquals(3, given.size(), "plain, 0.001, 0.01: " + given);
        assertEquals(0.0, given.get(0));
        assertEquals(0.001, given.get(1), 1e-15);
        assertEquals(0.01, given.get(2), 1e-15);
        assertTrue(r.converged(), r.message());
        assertEquals("model at " + given.get(2), r.model());
        assertEquals(2.0, r.parameter("r"));
        assertEquals("maximum likelihood did not converge (M fit did not converge: r ran off); regularised M (penalty 0.001) fit did"
                + " not converge: r ran off; regularised M (penalty " + given.get(2) + ") fit converged", r.message());
        assertEquals(9, r.iterations(), "every fit's work");
        assertEquals(21, r.evaluations(), "every fit's work");
    }

    @Test
    void theFirstPenaltyThatHoldsEndsItAndOneThatNeverHoldsStopsAfterTwoEscalations() {
        final List<Double> once = new ArrayList<>();
        final FitResult<String> held = FitResult.regularisedIfNeeded(fit(0.001, once), FitOptions.defaults(), 0.001);
        assertEquals(2, once.size(), "plain, then 0.001: " + once);
        assertTrue(held.converged(), held.message());

        final List<Double> never = new ArrayList<>();
        final FitResult<String> loose = FitResult.regularisedIfNeeded(fit(null, never), FitOptions.defaults(), 0.001);
        assertEquals(2 + FitResult.PENALTY_ESCALATIONS, never.size(), "plain, 0.001, 0.01, 0.1: " + never);
        assertEquals(0.1, never.get(never.size() - 1), 1e-12);
        assertFalse(loose.converged(), loose.message());
        assertEquals(4, loose.message().split("fit did not converge", -1).length - 1, "the plain fit and three penalties: " + loose.message());

        final List<Double> plainOnly = new ArrayList<>();
        assertTrue(FitResult.regularisedIfNeeded(fit(0.0, plainOnly), FitOptions.defaults(), 0.001).converged());
        assertEquals(List.of(0.0), plainOnly, "a plain fit that converges is the answer");
        final List<Double> off = new ArrayList<>();
        assertFalse(FitResult.regularisedIfNeeded(fit(0.001, off), FitOptions.defaults(), 0.0).converged());
        assertEquals(List.of(0.0), off, "no penalty asked for: the plain fit is the answer");
    }

    @Test
    void aFitTheDataRefusedIsNotTriedAgain() {
        final List<Double> given = new ArrayList<>();
        final FitResult<String> r = FitResult.regularisedIfNeeded(o -> {
            given.add(o.penalty());
            return new FitResult<>(null, Map.of(), Map.of(), Double.NEGATIVE_INFINITY, 60, 0, 0, false,
                    "no customer in the segment made a repeat purchase");
        }, FitOptions.defaults(), 0.001);
        assertEquals(2, given.size(), "plain, then the penalty once: " + given);
        assertFalse(r.converged());
    }
}
