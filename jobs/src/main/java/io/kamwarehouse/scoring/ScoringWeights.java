package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines the role weights and the career stages of a plan into the weight every KPI has for a
 * role at a career stage: within business results, the stage's KPIs take {@code share} percent
 * and the role's own business-results KPIs keep the rest; the other dimensions keep the role's
 * KPI weights. Composite weight = dimension weight x KPI weight. The composite weights of a role
 * at a stage add up to 1.
 */
public final class ScoringWeights {

    private ScoringWeights() {
    }

    public static List<CfgTables.EffectiveWeight> effective(final ScoringPlan p) {
        final List<CfgTables.EffectiveWeight> out = new ArrayList<>();
        for (final RoleSection.Role role : p.roles().roles().values()) {
            for (final CareerStageSection.Stage stage : p.careerStages().stages()) {
                for (final String dim : KpiSection.DIMENSIONS) {
                    final BigDecimal dimWeight = PlanFields.fraction(role.dimensions().getOrDefault(dim, BigDecimal.ZERO));
                    final Map<String, BigDecimal> kpis = new LinkedHashMap<>();
                    final Map<String, BigDecimal> own = role.kpis().getOrDefault(dim, Map.of());
                    if (dim.equals(CareerStageSection.DIMENSION)) {
                        final BigDecimal share = PlanFields.fraction(stage.share());
                        final BigDecimal rest = BigDecimal.ONE.subtract(share);
                        own.forEach((k, w) -> kpis.merge(k, rest.multiply(PlanFields.fraction(w)), BigDecimal::add));
                        stage.kpis().forEach((k, w) -> kpis.merge(k, share.multiply(PlanFields.fraction(w)), BigDecimal::add));
                    } else {
                        own.forEach((k, w) -> kpis.put(k, PlanFields.fraction(w)));
                    }
                    kpis.forEach((k, w) -> {
                        if (w.signum() != 0) {
                            out.add(new CfgTables.EffectiveWeight(role.name(), stage.name(), dim, dimWeight, k, w,
                                    dimWeight.multiply(w)));
                        }
                    });
                }
            }
        }
        return out;
    }
}
