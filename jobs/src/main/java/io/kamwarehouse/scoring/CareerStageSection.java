package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code career_stages:} section: stages by months since hire (from 0, without gaps or
 * overlaps, the last one open-ended). A stage's KPIs (business-results KPIs) take {@code share}
 * percent of the business-results dimension; the role's business-results KPIs keep the rest.
 * <pre>
 * career_stages:
 *   new_hire: {from_months: 0, to_months: 6, share: 100, kpis: {new_key_contacts: 40, activities: 60}}
 *   expert:   {from_months: 6, share: 30, kpis: {strategic_accounts: 100}}
 * </pre>
 */
public record CareerStageSection(List<Stage> stages) {

    public static final String KEY = "career_stages";
    /** The dimension whose weight the stage KPIs share. */
    public static final String DIMENSION = "business_results";

    /** One stage; {@code toMonths} null = open-ended; {@code share} a whole percentage. */
    public record Stage(String name, int fromMonths, Integer toMonths, BigDecimal share, Map<String, BigDecimal> kpis) {
    }

    public CareerStageSection {
        stages = List.copyOf(stages);
    }

    static CareerStageSection parse(final PlanFields f, final Map<String, Object> doc, final KpiSection kpis) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        if (m.isEmpty()) {
            throw f.error(KEY, "declares no career stage");
        }
        final List<Stage> out = new ArrayList<>();
        for (final Map.Entry<String, Object> e : m.entrySet()) {
            final String field = KEY + "." + e.getKey();
            final Map<String, Object> s = f.mapping(e.getValue(), field);
            f.unknownKeys(field, s.keySet(), Set.of("from_months", "to_months", "share", "kpis"));
            final int from = f.count(s, "from_months", field);
            final Integer to = f.optionalCount(s, "to_months", field);
            if (to != null && to <= from) {
                throw f.error(field + ".to_months", to + " must be after from_months " + from);
            }
            final BigDecimal share = f.percent(s, "share", field);
            final Map<String, BigDecimal> w;
            if (s.get("kpis") == null) {
                if (share.signum() != 0) {
                    throw f.error(field + ".kpis", "is missing: the stage takes a share of " + share.toPlainString()
                            + " of " + DIMENSION + " but has no KPI weights");
                }
                w = Map.of();
            } else {
                w = f.weights(s.get("kpis"), field + ".kpis");
                kpis.checkUse(f, field + ".kpis", DIMENSION, w.keySet());
            }
            out.add(new Stage(e.getKey(), from, to, share, Collections.unmodifiableMap(new LinkedHashMap<>(w))));
        }
        final List<Stage> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingInt(Stage::fromMonths));
        if (sorted.get(0).fromMonths() != 0) {
            throw f.error(KEY + "." + sorted.get(0).name() + ".from_months", "the first stage must start at 0 months, not "
                    + sorted.get(0).fromMonths());
        }
        for (int i = 0; i < sorted.size(); i++) {
            final Stage s = sorted.get(i);
            if (i == sorted.size() - 1) {
                if (s.toMonths() != null) {
                    throw f.error(KEY + "." + s.name() + ".to_months", "the last stage must be open-ended (no to_months), "
                            + "so every employee has a stage");
                }
                continue;
            }
            final Stage next = sorted.get(i + 1);
            if (s.toMonths() == null) {
                throw f.error(KEY + "." + s.name(), "is open-ended but stage " + next.name() + " starts at "
                        + next.fromMonths() + " months: stages overlap");
            }
            if (next.fromMonths() < s.toMonths()) {
                throw f.error(KEY + "." + next.name() + ".from_months", "stages overlap: " + next.name() + " starts at "
                        + next.fromMonths() + " months, before " + s.name() + " ends at " + s.toMonths());
            }
            if (next.fromMonths() > s.toMonths()) {
                throw f.error(KEY + "." + next.name() + ".from_months", "gap between stages: " + s.name() + " ends at "
                        + s.toMonths() + " months but " + next.name() + " starts at " + next.fromMonths());
            }
        }
        return new CareerStageSection(sorted);
    }
}
