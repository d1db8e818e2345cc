package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code kpis:} section: every KPI a weight set may use, with the dimension it scores,
 * where its target comes from and its attainment cap.
 * <pre>
 * kpis:
 *   bookings_attainment:
 *     dimension: business_results
 *     description: ...
 *     target: {source: targets, metric: bookings}     # or {value: 0.95}
 *     cap: 1.5
 *     higher_is_better: true                          # optional, default true
 * </pre>
 */
public record KpiSection(Map<String, Kpi> kpis) {

    public static final String KEY = "kpis";
    /** The three dimensions every score is made of. */
    public static final List<String> DIMENSIONS = List.of("business_results", "collaboration", "customer_value");
    private static final Set<String> KPI_KEYS = Set.of("dimension", "description", "target", "cap", "higher_is_better");

    /**
     * One KPI.
     *
     * @param targetSource {@code targets} (a metric of the CRM targets extract) or {@code value} (a fixed value)
     * @param targetMetric the targets metric when the source is {@code targets}, else null
     * @param targetValue  the fixed target when the source is {@code value}, else null
     */
    public record Kpi(String name, String dimension, String description, String targetSource, String targetMetric,
            BigDecimal targetValue, BigDecimal cap, boolean higherIsBetter) {
    }

    public KpiSection {
        kpis = Collections.unmodifiableMap(new LinkedHashMap<>(kpis));
    }

    public Kpi get(final String name) {
        return kpis.get(name);
    }

    public boolean contains(final String name) {
        return kpis.containsKey(name);
    }

    static KpiSection parse(final PlanFields f, final Map<String, Object> doc) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        if (m.isEmpty()) {
            throw f.error(KEY, "declares no KPI");
        }
        final Map<String, Kpi> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : m.entrySet()) {
            final String name = e.getKey();
            final String field = KEY + "." + name;
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw f.error(field, "'" + name + "' is not a KPI name (lower snake case)");
            }
            final Map<String, Object> k = f.mapping(e.getValue(), field);
            f.unknownKeys(field, k.keySet(), KPI_KEYS);
            final String dimension = f.string(k, "dimension", field);
            if (!DIMENSIONS.contains(dimension)) {
                throw f.error(field + ".dimension", "'" + dimension + "' is not one of " + DIMENSIONS);
            }
            final String description = f.string(k, "description", field);
            final Map<String, Object> t = f.section(k, "target", field);
            final String tf = field + ".target";
            f.unknownKeys(tf, t.keySet(), Set.of("source", "metric", "value"));
            final String source;
            String metric = null;
            BigDecimal value = null;
            if (t.containsKey("value")) {
                if (t.containsKey("source") || t.containsKey("metric")) {
                    throw f.error(tf, "give either {value: N} or {source: targets, metric: NAME}, not both");
                }
                source = "value";
                value = f.number(t, "value", tf);
            } else {
                source = f.string(t, "source", tf);
                if (!source.equals("targets")) {
                    throw f.error(tf + ".source", "'" + source + "' is not a target source; use {source: targets, metric: NAME} "
                            + "or {value: N}");
                }
                metric = f.string(t, "metric", tf);
            }
            final BigDecimal cap = f.number(k, "cap", field);
            if (cap.signum() <= 0) {
                throw f.error(field + ".cap", cap.toPlainString() + " must be above 0 (1.5 caps attainment at 150%)");
            }
            final boolean higher = !k.containsKey("higher_is_better") || f.bool(k, "higher_is_better", field);
            out.put(name, new Kpi(name, dimension, description, source, metric, value, cap, higher));
        }
        return new KpiSection(out);
    }

    /**
     * Checks a set of KPI weights given under a dimension: every KPI is declared and scores that
     * dimension.
     */
    void checkUse(final PlanFields f, final String field, final String dimension, final Set<String> used) {
        for (final String kpi : used) {
            final Kpi k = kpis.get(kpi);
            if (k == null) {
                throw f.error(field + "." + kpi, "unknown KPI '" + kpi + "' (declared under kpis: " + String.join(", ", kpis.keySet())
                        + ")");
            }
            if (!k.dimension().equals(dimension)) {
                throw f.error(field + "." + kpi, "KPI '" + kpi + "' scores " + k.dimension() + ", not " + dimension
                        + "; move it under " + k.dimension() + " or change its dimension in kpis:");
            }
        }
    }
}
