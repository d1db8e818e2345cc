package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code team_health:} section: the four dimensions of the team health matrix with
 * their points (adding up to 100) and parameters, and the total under which a team is flagged
 * for rebuilding.
 */
public record TeamHealthSection(BigDecimal rebuildBelow, Map<String, Dimension> dimensions, Map<String, BigDecimal> targetMix,
        List<String> metrics, Map<String, List<String>> metricRoles) {

    public static final String KEY = "team_health";
    public static final String ROLE_COMPLETENESS = "role_completeness";
    public static final String PROCESS_PENETRATION = "process_penetration";
    public static final String KNOWLEDGE_VITALITY = "knowledge_vitality";
    public static final String DATA_ACUITY = "data_acuity";
    /** Each dimension and the keys it takes besides {@code points}. */
    private static final Map<String, Set<String>> DIMENSION_KEYS = orderedKeys();

    private static Map<String, Set<String>> orderedKeys() {
        final Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put(ROLE_COMPLETENESS, Set.of("points", "target_mix"));
        m.put(PROCESS_PENETRATION, Set.of("points", "min_stages", "min_activities"));
        m.put(KNOWLEDGE_VITALITY, Set.of("points", "target_per_member"));
        m.put(DATA_ACUITY, Set.of("points", "metrics"));
        return Collections.unmodifiableMap(m);
    }

    /** One dimension: its points and its nullable numeric parameters. */
    public record Dimension(String name, BigDecimal points, Integer minStages, Integer minActivities, BigDecimal targetPerMember) {
    }

    public TeamHealthSection {
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
        targetMix = Collections.unmodifiableMap(new LinkedHashMap<>(targetMix));
        metrics = List.copyOf(metrics);
        final Map<String, List<String>> byMetric = new LinkedHashMap<>();
        metricRoles.forEach((k, v) -> byMetric.put(k, List.copyOf(v)));
        metricRoles = java.util.Collections.unmodifiableMap(byMetric);
    }

    static TeamHealthSection parse(final PlanFields f, final Map<String, Object> doc, final RoleSection roles) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        final Set<String> allowed = new java.util.HashSet<>(DIMENSION_KEYS.keySet());
        allowed.add("rebuild_below");
        f.unknownKeys(KEY, m.keySet(), allowed);
        final BigDecimal rebuild = f.percent(m, "rebuild_below", KEY);
        final Map<String, Dimension> dims = new LinkedHashMap<>();
        final Map<String, BigDecimal> points = new LinkedHashMap<>();
        Map<String, BigDecimal> mix = Map.of();
        List<String> metrics = List.of();
        final Map<String, List<String>> metricRoles = new LinkedHashMap<>();
        for (final Map.Entry<String, Set<String>> e : DIMENSION_KEYS.entrySet()) {
            final String name = e.getKey();
            final String field = KEY + "." + name;
            final Map<String, Object> d = f.section(m, name, KEY);
            f.unknownKeys(field, d.keySet(), e.getValue());
            final BigDecimal p = f.percent(d, "points", field);
            points.put(name, p);
            Integer minStages = null;
            Integer minActivities = null;
            BigDecimal perMember = null;
            switch (name) {
                case ROLE_COMPLETENESS -> {
                    mix = f.weights(f.section(d, "target_mix", field), field + ".target_mix");
                    for (final String role : mix.keySet()) {
                        roles.checkKnown(f, field + ".target_mix." + role, role);
                    }
                }
                case PROCESS_PENETRATION -> {
                    minStages = f.count(d, "min_stages", field);
                    minActivities = f.count(d, "min_activities", field);
                }
                case KNOWLEDGE_VITALITY -> {
                    perMember = f.number(d, "target_per_member", field);
                    if (perMember.signum() <= 0) {
                        throw f.error(field + ".target_per_member", perMember.toPlainString() + " must be above 0");
                    }
                }
                case DATA_ACUITY -> {
                    // a list (every member is expected to record each metric), or metric: roles expected to record it (or all)
                    if (d.get("metrics") instanceof Map<?, ?>) {
                        final Map<String, Object> byMetric = f.mapping(d.get("metrics"), field + ".metrics");
                        metrics = List.copyOf(byMetric.keySet());
                        for (final Map.Entry<String, Object> me : byMetric.entrySet()) {
                            final String mf = field + ".metrics." + me.getKey();
                            if ("all".equals(me.getValue())) {
                                metricRoles.put(me.getKey(), List.of());
                                continue;
                            }
                            final List<String> rs = f.strings(byMetric, me.getKey(), field + ".metrics");
                            for (final String role : rs) {
                                roles.checkKnown(f, mf, role);
                            }
                            metricRoles.put(me.getKey(), rs);
                        }
                    } else {
                        metrics = f.strings(d, "metrics", field);
                    }
                }
                default -> throw new IllegalStateException(name);
            }
            dims.put(name, new Dimension(name, p, minStages, minActivities, perMember));
        }
        final BigDecimal total = points.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.compareTo(BigDecimal.valueOf(100)) != 0) {
            throw f.error(KEY, "the points of the dimensions add up to " + total.toPlainString() + ", not 100 ("
                    + PlanFields.describe(points) + ")");
        }
        return new TeamHealthSection(rebuild, dims, mix, metrics, metricRoles);
    }
}
