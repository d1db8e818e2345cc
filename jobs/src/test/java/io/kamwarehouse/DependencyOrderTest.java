package io.kamwarehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The one dependency sort that orders table specs and source contracts. */
class DependencyOrderTest {

    private static List<String> sort(final Map<String, List<String>> deps, final List<String> order) {
        return DependencyOrder.sort(order, n -> n, deps::get, cycle -> new IllegalStateException(String.join(" -> ", cycle)));
    }

    @Test
    void everythingComesAfterWhatItDependsOnAndKeepsTheGivenOrderOtherwise() {
        final Map<String, List<String>> deps = Map.of("a", List.of("c"), "b", List.of(), "c", List.of("b"), "d", List.of());
        assertEquals(List.of("b", "c", "a", "d"), sort(deps, List.of("a", "b", "c", "d")));
        assertEquals(List.of("d", "b", "c", "a"), sort(deps, List.of("d", "c", "b", "a")));
    }

    @Test
    void selfReferencesAndUnknownNamesAreIgnored() {
        final Map<String, List<String>> deps = Map.of("a", List.of("a", "raw_x"), "b", List.of("a"));
        assertEquals(List.of("a", "b"), sort(deps, List.of("b", "a")));
    }

    @Test
    void aCycleIsNamedFromItsFirstMemberBackToIt() {
        final Map<String, List<String>> deps = Map.of("x", List.of("a"), "a", List.of("b"), "b", List.of("a"));
        assertEquals("a -> b -> a", assertThrows(IllegalStateException.class, () -> sort(deps, List.of("x", "a", "b")))
                .getMessage(), "the path that led to the cycle (x) is not part of it");
    }
}
