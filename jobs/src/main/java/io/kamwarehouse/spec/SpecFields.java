package io.kamwarehouse.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads the fields of one spec file's YAML, with messages that name the file and the field. */
final class SpecFields {

    private final String path;

    SpecFields(final String path) {
        this.path = path;
    }

    String path() {
        return path;
    }

    TableSpecException error(final String field, final String problem) {
        return new TableSpecException("table spec " + path + (field == null || field.isEmpty() ? "" : ", " + field) + ": "
                + problem);
    }

    void unknownKeys(final String field, final Set<String> keys, final Set<String> allowed) {
        for (final String k : keys) {
            if (!allowed.contains(k)) {
                throw error(field, "unknown key '" + k + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    String requiredString(final Map<String, Object> m, final String key, final String field) {
        final Object v = m.get(key);
        if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
            throw error(field, v == null || String.valueOf(v).isBlank() ? "is missing: add '" + key + ":'"
                    : "must be a single value, not " + (v instanceof Map ? "a mapping" : "a list"));
        }
        return String.valueOf(v).trim();
    }

    String optionalString(final Map<String, Object> m, final String key, final String field) {
        return m.get(key) == null ? null : requiredString(m, key, field);
    }

    /** A list of scalars; a single scalar counts as a one-element list. */
    List<String> stringList(final Map<String, Object> m, final String key, final String field, final boolean required) {
        final Object v = m.get(key);
        final List<String> out = new ArrayList<>();
        if (v == null) {
            if (required) {
                throw error(field, "is missing: add '" + key + ": [...]'");
            }
            return out;
        }
        if (v instanceof List<?> l) {
            for (final Object x : l) {
                if (x == null || x instanceof Map || x instanceof List || String.valueOf(x).isBlank()) {
                    throw error(field, "every element must be a non-empty single value");
                }
                out.add(String.valueOf(x).trim());
            }
        } else if (v instanceof Map) {
            throw error(field, "must be a list, not a mapping");
        } else {
            out.add(String.valueOf(v).trim());
        }
        if (required && out.isEmpty()) {
            throw error(field, "must not be empty");
        }
        final Set<String> seen = new TreeSet<>();
        for (final String s : out) {
            if (!seen.add(s)) {
                throw error(field, "'" + s + "' is listed twice");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> mapping(final Object v, final String field) {
        if (!(v instanceof Map<?, ?> m)) {
            throw error(field, "must be a mapping (key: value)");
        }
        for (final Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw error(field, "key " + k + " must be text");
            }
        }
        return (Map<String, Object>) m;
    }

    static void checkColumnName(final SpecFields f, final String field, final String column) {
        if (!column.matches("[a-z_][a-z0-9_]*")) {
            throw f.error(field, "'" + column + "' is not a column name (lower snake case)");
        }
    }
}
