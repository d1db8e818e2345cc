package io.kamwarehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The strict reader of the YAML files: each wrong shape names the file and the field. */
class YamlFieldsTest {

    private static final YamlFields<KamwException> F = new YamlFields<>("conf/x.yaml", KamwException::new);

    @Test
    void readsAMappingAndItsNestedFields() {
        final Map<String, Object> m = F.document("publish:\n  prefixes: [dim_, ' fct_']\n");
        F.unknownKeys(null, m.keySet(), Set.of("publish"));
        final Map<String, Object> publish = F.optionalMapping(m.get("publish"), "publish");
        assertEquals(List.of("dim_", "fct_"), F.list(publish.get("prefixes"), "publish.prefixes"));
        assertEquals(Map.of(), F.optionalMapping(m.get("roles"), "roles"), "an absent mapping is empty");
        assertEquals(List.of(), F.list(publish.get("exclude"), "publish.exclude"));
    }

    @Test
    void anEmptyFileSaysSo() {
        for (final String yaml : List.of("", "# nothing yet\n\n", "---\n")) {
            assertEquals("conf/x.yaml is empty: it must be a YAML mapping (key: value)",
                    assertThrows(KamwException.class, () -> F.document(yaml)).getMessage(), yaml);
        }
    }

    @Test
    void eachWrongShapeNamesTheFileAndTheField() {
        assertEquals("conf/x.yaml, roles: unknown key 'reeder' (allowed: reader, team_reader)",
                assertThrows(KamwException.class, () -> F.unknownKeys("roles", Set.of("reeder"),
                        Set.of("reader", "team_reader"))).getMessage());
        assertEquals("conf/x.yaml, roles: must be a mapping (key: value)",
                assertThrows(KamwException.class, () -> F.optionalMapping("kamw_reader", "roles")).getMessage());
        assertEquals("conf/x.yaml, publish.prefixes: must be a list, e.g. [a, b]",
                assertThrows(KamwException.class, () -> F.list("dim_", "publish.prefixes")).getMessage());
        assertTrue(assertThrows(KamwException.class, () -> F.document("- a\n- b\n")).getMessage()
                .startsWith("conf/x.yaml is not a YAML mapping"));
        assertTrue(assertThrows(KamwException.class, () -> F.document("a: 1\na: 2\n")).getMessage()
                .contains("Duplicate field 'a'"));
    }

    @Test
    void problemsAreOfTheFilesOwnKind() {
        final class PlanProblem extends KamwException {
            private static final long serialVersionUID = 1L;

            PlanProblem(final String message) {
                super(message);
            }
        }
        final YamlFields<PlanProblem> plan = new YamlFields<>("scoring plan 2026.yaml", PlanProblem::new);
        assertEquals("scoring plan 2026.yaml, version: is missing: add 'version:'",
                assertThrows(PlanProblem.class, () -> plan.requiredString(Map.of(), "version", "version")).getMessage());
        assertEquals("scoring plan 2026.yaml, roles: 'a' is listed twice",
                assertThrows(PlanProblem.class, () -> plan.stringList(Map.of("roles", List.of("a", "a")), "roles", "roles", true))
                        .getMessage());
        assertEquals(List.of("a"), plan.stringList(Map.of("roles", "a"), "roles", "roles", true), "a single value is a list of one");
    }

    @Test
    void decimalsStayExactWhenAsked() {
        assertEquals(new BigDecimal("0.10"), F.documentWithDecimals("rate: 0.10\n").get("rate"));
        assertEquals(0.1, F.document("rate: 0.10\n").get("rate"));
    }
}
