package io.kamwarehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kamwarehouse.KamwException;

/** The strict reader of the small configuration files: each wrong shape names the file and the field. */
class ConfigYamlTest {

    @Test
    void readsAMappingAndItsNestedFields() {
        final Map<String, Object> m = ConfigYaml.parse("conf/x.yaml", "publish:\n  prefixes: [dim_, ' fct_']\n");
        ConfigYaml.keys("conf/x.yaml", null, m, Set.of("publish"));
        final Map<String, Object> publish = ConfigYaml.mapping("conf/x.yaml", "publish", m.get("publish"));
        assertEquals(List.of("dim_", "fct_"), ConfigYaml.strings("conf/x.yaml", "publish.prefixes", publish.get("prefixes")));
        assertEquals(Map.of(), ConfigYaml.mapping("conf/x.yaml", "roles", m.get("roles")), "an absent mapping is empty");
        assertEquals(List.of(), ConfigYaml.strings("conf/x.yaml", "publish.exclude", publish.get("exclude")));
    }

    @Test
    void anEmptyFileSaysSo() {
        for (final String yaml : List.of("", "# nothing yet\n\n", "---\n")) {
            assertEquals("conf/x.yaml is empty: it must be a YAML mapping (key: value)",
                    assertThrows(KamwException.class, () -> ConfigYaml.parse("conf/x.yaml", yaml)).getMessage(), yaml);
        }
    }

    @Test
    void eachWrongShapeNamesTheFileAndTheField() {
        assertEquals("conf/x.yaml, roles: unknown key 'reeder' (allowed: reader, team_reader)",
                assertThrows(KamwException.class, () -> ConfigYaml.keys("conf/x.yaml", "roles", Map.of("reeder", "x"),
                        Set.of("reader", "team_reader"))).getMessage());
        assertEquals("conf/x.yaml, roles: must be a mapping (key: value)",
                assertThrows(KamwException.class, () -> ConfigYaml.mapping("conf/x.yaml", "roles", "kamw_reader")).getMessage());
        assertEquals("conf/x.yaml, publish.prefixes: must be a list, e.g. [a, b]",
                assertThrows(KamwException.class, () -> ConfigYaml.strings("conf/x.yaml", "publish.prefixes", "dim_")).getMessage());
        assertTrue(assertThrows(KamwException.class, () -> ConfigYaml.parse("conf/x.yaml", "- a\n- b\n")).getMessage()
                .startsWith("conf/x.yaml is not a YAML mapping"));
        assertTrue(assertThrows(KamwException.class, () -> ConfigYaml.parse("conf/x.yaml", "a: 1\na: 2\n")).getMessage()
                .contains("Duplicate field 'a'"));
    }
}
