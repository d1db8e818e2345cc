package io.kamwarehouse.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.kamwarehouse.KamwException;

/**
 * Strict reading of the small YAML configuration files (DAG layout, serving): duplicate keys,
 * unknown keys and wrong shapes are errors that name the file and the field.
 */
public final class ConfigYaml {

    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigYaml() {
    }

    /** The file's top-level mapping; an empty file (or one of comments only) is an error that says so. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(final String origin, final String yaml) {
        final String empty = origin + " is empty: it must be a YAML mapping (key: value)";
        if (yaml.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"))) {
            throw new KamwException(empty);
        }
        try {
            final Map<String, Object> m = (Map<String, Object>) YAML.readValue(yaml, Map.class);
            if (m == null) {
                throw new KamwException(empty);
            }
            return m;
        } catch (final IOException | ClassCastException e) {
            throw new KamwException(origin + " is not a YAML mapping: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
        }
    }

    /** A nested mapping; empty when absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> mapping(final String origin, final String field, final Object v) {
        if (v == null) {
            return new LinkedHashMap<>();
        }
        if (!(v instanceof Map)) {
            throw new KamwException(origin + ", " + field + ": must be a mapping (key: value)");
        }
        return (Map<String, Object>) v;
    }

    /** A list of strings, each trimmed; empty when absent. */
    public static List<String> strings(final String origin, final String field, final Object v) {
        final List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> l)) {
            throw new KamwException(origin + ", " + field + ": must be a list, e.g. [a, b]");
        }
        l.forEach(x -> out.add(String.valueOf(x).trim()));
        return out;
    }

    /** Fails on a key outside {@code allowed}; {@code field} null for the top level. */
    public static void keys(final String origin, final String field, final Map<String, Object> m, final Set<String> allowed) {
        for (final String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new KamwException(origin + (field == null ? "" : ", " + field) + ": unknown key '" + k + "' (allowed: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }
}
