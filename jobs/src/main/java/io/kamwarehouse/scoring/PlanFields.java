package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.kamwarehouse.YamlFields;

/**
 * Reads the fields of one scoring plan file, with messages that name the file and the field path
 * ({@code scoring plan 2026.yaml, roles.account_manager.dimensions: ...}).
 */
public final class PlanFields extends YamlFields<ScoringPlanException> {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public PlanFields(final String file) {
        super("scoring plan " + file, ScoringPlanException::new);
    }

    static String path(final String parent, final String key) {
        return parent == null || parent.isEmpty() ? key : parent + "." + key;
    }

    /** Rejects keys outside {@code allowed} (typos), naming the key's path and the allowed ones. */
    @Override
    public void unknownKeys(final String field, final Set<String> keys, final Set<String> allowed) {
        for (final String k : keys) {
            if (!allowed.contains(k)) {
                throw error(path(field, k), "unknown key '" + k + "' (allowed here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** A mapping with text keys; absent is an error. */
    @Override
    public Map<String, Object> mapping(final Object v, final String field) {
        if (v == null) {
            throw error(field, "is missing");
        }
        return super.mapping(v, field);
    }

    /** A required child mapping. */
    public Map<String, Object> section(final Map<String, Object> m, final String key, final String parent) {
        if (!m.containsKey(key) || m.get(key) == null) {
            throw error(path(parent, key), "is missing: add '" + key + ":'");
        }
        return mapping(m.get(key), path(parent, key));
    }

    public String string(final Map<String, Object> m, final String key, final String parent) {
        return requiredString(m, key, path(parent, key));
    }

    public BigDecimal number(final Map<String, Object> m, final String key, final String parent) {
        final Object v = m.get(key);
        final String field = path(parent, key);
        if (v == null) {
            throw error(field, "is missing: add '" + key + ":'");
        }
        return number(v, field);
    }

    public BigDecimal number(final Object v, final String field) {
        if (v instanceof BigDecimal b) {
            return b.stripTrailingZeros().scale() < 0 ? b.setScale(0) : b.stripTrailingZeros();
        }
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
            return new BigDecimal(n.toString());
        }
        if (v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString()).stripTrailingZeros();
        }
        throw error(field, "'" + v + "' is not a number");
    }

    /** A non-negative whole number. */
    public int count(final Map<String, Object> m, final String key, final String parent) {
        final BigDecimal n = number(m, key, parent);
        return count(n, path(parent, key));
    }

    public Integer optionalCount(final Map<String, Object> m, final String key, final String parent) {
        return m.get(key) == null ? null : count(m, key, parent);
    }

    int count(final BigDecimal n, final String field) {
        if (n.signum() < 0 || n.stripTrailingZeros().scale() > 0) {
            throw error(field, n.toPlainString() + " must be a whole number, 0 or more");
        }
        return n.intValueExact();
    }

    /** A percentage 0..100. */
    public BigDecimal percent(final Object v, final String field) {
        final BigDecimal p = number(v, field);
        if (p.signum() < 0 || p.compareTo(HUNDRED) > 0) {
            throw error(field, p.toPlainString() + " is not a percentage between 0 and 100");
        }
        return p;
    }

    public BigDecimal percent(final Map<String, Object> m, final String key, final String parent) {
        if (m.get(key) == null) {
            throw error(path(parent, key), "is missing: add '" + key + ":'");
        }
        return percent(m.get(key), path(parent, key));
    }

    public boolean bool(final Map<String, Object> m, final String key, final String parent) {
        final Object v = m.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(path(parent, key), v == null ? "is missing: add '" + key + ": true' or false" : "'" + v + "' is not true or false");
    }

    public LocalDate date(final Map<String, Object> m, final String key, final String parent) {
        final String s = string(m, key, parent);
        try {
            return LocalDate.parse(s);
        } catch (final DateTimeParseException e) {
            throw error(path(parent, key), "'" + s + "' is not a date; write yyyy-MM-dd, e.g. 2026-01-01");
        }
    }

    /** A list of distinct non-empty scalars. */
    public List<String> strings(final Map<String, Object> m, final String key, final String parent) {
        final Object v = m.get(key);
        if (v != null && !(v instanceof List)) {
            throw error(path(parent, key), "must be a list [a, b, ...]");
        }
        return stringList(m, key, path(parent, key), true);
    }

    /** A mapping of names to percentages (whole numbers) that must add up to 100. */
    public Map<String, BigDecimal> weights(final Object raw, final String field) {
        final Map<String, Object> m = mapping(raw, field);
        if (m.isEmpty()) {
            throw error(field, "must not be empty");
        }
        final Map<String, BigDecimal> out = new LinkedHashMap<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (final Map.Entry<String, Object> e : m.entrySet()) {
            final BigDecimal p = percent(e.getValue(), path(field, e.getKey()));
            out.put(e.getKey(), p);
            sum = sum.add(p);
        }
        if (sum.compareTo(HUNDRED) != 0) {
            throw error(field, "weights add up to " + sum.toPlainString() + ", not 100 (" + describe(out) + ")");
        }
        return out;
    }

    static String describe(final Map<String, BigDecimal> weights) {
        final List<String> parts = new ArrayList<>();
        weights.forEach((k, v) -> parts.add(k + " " + v.toPlainString()));
        return String.join(" + ", parts);
    }

    /** A whole-number percentage as a fraction: 60 -> 0.6. */
    public static BigDecimal fraction(final BigDecimal percent) {
        return percent.movePointLeft(2);
    }
}
