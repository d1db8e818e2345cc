package io.kamwarehouse.spec;

import java.util.Map;
import java.util.Set;

import io.kamwarehouse.scoring.CfgTables;

/**
 * Parameters of a {@code scoring_plan} job, the spec's {@code scoring_plan:} block: the table holds
 * one section of every scoring plan in {@code conf/scoring/}, one or more rows per plan.
 * <pre>
 * scoring_plan: {section: scoring_kpi}
 * </pre>
 */
public record ScoringPlanParams(String section) implements JobParams {

    public static final String KIND = "scoring_plan";
    private static final Set<String> KEYS = Set.of("section");

    @Override
    public String kind() {
        return KIND;
    }

    static ScoringPlanParams parse(final SpecFields f, final Object block) {
        final Map<String, Object> m = f.mapping(block, KIND);
        f.unknownKeys(KIND, m.keySet(), KEYS);
        final String section = f.requiredString(m, "section", KIND + ".section");
        if (CfgTables.get(section) == null) {
            throw f.error(KIND + ".section", "'" + section + "' is not a section of the scoring plan tables (known: "
                    + String.join(", ", CfgTables.sections()) + ")");
        }
        return new ScoringPlanParams(section);
    }
}
