package io.kamwarehouse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The strict reader of the project's YAML files (source contracts, table specs, scoring plans,
 * DAG and serving configuration): a key given twice is an error, and every problem is an
 * exception of the file's kind whose message names the file and the field,
 * {@code <file>, <field>: <problem>}, or {@code <file> is empty: ...} for the file as a whole.
 *
 * @param <E> the exception each problem is reported as
 */
public class YamlFields<E extends KamwException> {

    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML_DECIMALS = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final String file;
    private final Function<String, E> exception;

    /**
     * @param file      how messages name the file, e.g. {@code table spec tables/silver/crm/stg_crm__teams/table.yaml}
     * @param exception makes the exception of a message
     */
    public YamlFields(final String file, final Function<String, E> exception) {
        this.file = file;
        this.exception = exception;
    }

    /** A problem of a field ({@code null} or empty for the file as a whole). */
    public E error(final String field, final String problem) {
        return exception.apply(file + (field == null || field.isEmpty() ? "" : ", " + field) + ": " + problem);
    }

    /** The file's top-level mapping; numbers with a fraction are doubles. */
    public Map<String, Object> document(final String yaml) {
        return document(yaml, YAML);
    }

    /** The file's top-level mapping; numbers with a fraction are exact ({@link java.math.BigDecimal}). */
    public Map<String, Object> documentWithDecimals(final String yaml) {
        return document(yaml, YAML_DECIMALS);
    }

    private Map<String, Object> document(final String yaml, final ObjectMapper mapper) {
        final String empty = file + " is empty: it must be a YAML mapping (key: value)";
        if (yaml.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"))) {
            throw exception.apply(empty);
        }
        final Object doc;
        try {
            doc = mapper.readValue(yaml, Object.class);
        } catch (final JsonProcessingException e) {
            throw exception.apply(file + " is not valid YAML: " + String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ")
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (doc == null) {
            throw exception.apply(empty);
        }
        if (!(doc instanceof Map)) {
            throw exception.apply(file + " is not a YAML mapping (key: value) but a " + (doc instanceof List ? "list" : "single value"));
        }
        return mapping(doc, null);
    }

    /** Fails on a key outside {@code allowed}, naming the allowed ones; {@code field} null for the top level. */
    public void unknownKeys(final String field, final Set<String> keys, final Set<String> allowed) {
        for (final String k : keys) {
            if (!allowed.contains(k)) {
                throw error(field, "unknown key '" + k + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** A mapping with text keys. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> mapping(final Object v, final String field) {
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

    /** A mapping with text keys; empty when absent. */
    public Map<String, Object> optionalMapping(final Object v, final String field) {
        return v == null ? new LinkedHashMap<>() : mapping(v, field);
    }

    /** A single non-empty value, trimmed. */
    public String requiredString(final Map<String, Object> m, final String key, final String field) {
        final Object v = m.get(key);
        if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
            throw error(field, v == null || String.valueOf(v).isBlank() ? "is missing: add '" + key + ":'"
                    : "must be a single value, not " + (v instanceof Map ? "a mapping" : "a list"));
        }
        return String.valueOf(v).trim();
    }

    /** A single non-empty value, trimmed; null when absent. */
    public String optionalString(final Map<String, Object> m, final String key, final String field) {
        return m.get(key) == null ? null : requiredString(m, key, field);
    }

    /** A list of distinct non-empty single values, trimmed; a single value counts as a one-element list. */
    public List<String> stringList(final Map<String, Object> m, final String key, final String field, final boolean required) {
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
                out.add(element(x, field));
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

    /** A list of single values, trimmed; empty when absent. A single value is an error: write {@code [a]}. */
    public List<String> list(final Object v, final String field) {
        final List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> l)) {
            throw error(field, "must be a list, e.g. [a, b]");
        }
        for (final Object x : l) {
            out.add(element(x, field));
        }
        return out;
    }

    private String element(final Object x, final String field) {
        if (x == null || x instanceof Map || x instanceof List || String.valueOf(x).isBlank()) {
            throw error(field, "every element must be a non-empty single value");
        }
        return String.valueOf(x).trim();
    }
}
