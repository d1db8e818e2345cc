package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code roles:} section: per role, the weight of each dimension and of each KPI within
 * its dimension (whole percentages, each set adding up to 100).
 * <pre>
 * roles:
 *   account_manager:
 *     dimensions: {business_results: 50, collaboration: 20, customer_value: 30}
 *     kpis:
 *       business_results: {bookings_attainment: 70, collection_rate: 30}
 *       ...
 * </pre>
 */
public record RoleSection(Map<String, Role> roles) {

    public static final String KEY = "roles";

    /** One role: dimension percentages and, per dimension, KPI percentages. */
    public record Role(String name, Map<String, BigDecimal> dimensions, Map<String, Map<String, BigDecimal>> kpis) {
    }

    public RoleSection {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    }

    public boolean contains(final String role) {
        return roles.containsKey(role);
    }

    /** Checks that a role named elsewhere in the plan is one of the roles. */
    void checkKnown(final PlanFields f, final String field, final String role) {
        if (!roles.containsKey(role)) {
            throw f.error(field, "unknown role '" + role + "' (roles: " + String.join(", ", roles.keySet()) + ")");
        }
    }

    static RoleSection parse(final PlanFields f, final Map<String, Object> doc, final KpiSection kpis) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        if (m.isEmpty()) {
            throw f.error(KEY, "declares no role");
        }
        final Map<String, Role> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : m.entrySet()) {
            final String role = e.getKey();
            final String field = KEY + "." + role;
            final Map<String, Object> r = f.mapping(e.getValue(), field);
            f.unknownKeys(field, r.keySet(), Set.of("dimensions", "kpis"));
            final Map<String, BigDecimal> dims = f.weights(f.section(r, "dimensions", field), field + ".dimensions");
            for (final String d : dims.keySet()) {
                if (!KpiSection.DIMENSIONS.contains(d)) {
                    throw f.error(field + ".dimensions." + d, "'" + d + "' is not a dimension (" + String.join(", ",
                            KpiSection.DIMENSIONS) + ")");
                }
            }
            final Map<String, Object> kr = f.section(r, "kpis", field);
            final Map<String, Map<String, BigDecimal>> kw = new LinkedHashMap<>();
            for (final String d : kr.keySet()) {
                if (!dims.containsKey(d)) {
                    throw f.error(field + ".kpis." + d, "'" + d + "' has KPI weights but no weight under " + field
                            + ".dimensions");
                }
            }
            for (final String d : dims.keySet()) {
                final String kf = field + ".kpis." + d;
                if (kr.get(d) == null) {
                    if (dims.get(d).signum() == 0) {
                        continue;
                    }
                    throw f.error(kf, "is missing: dimension " + d + " weighs " + dims.get(d).toPlainString()
                            + " but has no KPI weights");
                }
                final Map<String, BigDecimal> w = f.weights(kr.get(d), kf);
                kpis.checkUse(f, kf, d, w.keySet());
                kw.put(d, Collections.unmodifiableMap(w));
            }
            out.put(role, new Role(role, Collections.unmodifiableMap(dims), Collections.unmodifiableMap(kw)));
        }
        return new RoleSection(out);
    }
}
