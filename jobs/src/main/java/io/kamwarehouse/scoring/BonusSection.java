package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code bonus:} section: target bonus per role (every role has one), the team lead
 * multiplier, the payout curve (score to factor; scores and factors both strictly increasing),
 * the deferred share and its release and clawback, and the payroll match tolerance.
 */
public record BonusSection(String period, Map<String, BigDecimal> targetBonus, BigDecimal teamLeadMultiplier,
        List<CurvePoint> payoutCurve, BigDecimal deferredShare, int releaseAfterQuarters, boolean clawbackOnChurn,
        BigDecimal matchTolerance) {

    public static final String KEY = "bonus";
    public static final List<String> PERIODS = List.of("month", "quarter", "year");
    private static final Set<String> KEYS = Set.of("period", "target_bonus", "team_lead_multiplier", "payout_curve",
            "deferred_share", "release_after_quarters", "clawback_on_churn", "match_tolerance");

    /** One point of the payout curve: at {@code score} (0-100) the bonus is target x {@code factor}. */
    public record CurvePoint(BigDecimal score, BigDecimal factor) {
    }

    public BonusSection {
        targetBonus = Collections.unmodifiableMap(new LinkedHashMap<>(targetBonus));
        payoutCurve = List.copyOf(payoutCurve);
    }

    static BonusSection parse(final PlanFields f, final Map<String, Object> doc, final RoleSection roles) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        f.unknownKeys(KEY, m.keySet(), KEYS);
        final String period = f.string(m, "period", KEY);
        if (!PERIODS.contains(period)) {
            throw f.error(KEY + ".period", "'" + period + "' is not one of " + PERIODS);
        }
        final Map<String, Object> tb = f.section(m, "target_bonus", KEY);
        final Map<String, BigDecimal> targets = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> e : tb.entrySet()) {
            final String field = KEY + ".target_bonus." + e.getKey();
            roles.checkKnown(f, field, e.getKey());
            final BigDecimal amount = f.number(e.getValue(), field);
            if (amount.signum() < 0 || amount.scale() > 2) {
                throw f.error(field, amount.toPlainString() + " must be an amount of 0 or more with at most 2 decimals");
            }
            targets.put(e.getKey(), amount);
        }
        for (final String role : roles.roles().keySet()) {
            if (!targets.containsKey(role)) {
                throw f.error(KEY + ".target_bonus", "role '" + role + "' has no target bonus; add '" + role + ": <amount>'");
            }
        }
        final BigDecimal multiplier = f.number(m, "team_lead_multiplier", KEY);
        if (multiplier.signum() <= 0) {
            throw f.error(KEY + ".team_lead_multiplier", multiplier.toPlainString() + " must be above 0");
        }
        final Object rawCurve = m.get("payout_curve");
        if (!(rawCurve instanceof List<?> list) || list.isEmpty()) {
            throw f.error(KEY + ".payout_curve", "must be a non-empty list of {score: S, factor: F}");
        }
        final List<CurvePoint> curve = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            final String field = KEY + ".payout_curve[" + i + "]";
            final Map<String, Object> p = f.mapping(list.get(i), field);
            f.unknownKeys(field, p.keySet(), Set.of("score", "factor"));
            final BigDecimal score = f.percent(p, "score", field);
            final BigDecimal factor = f.number(p, "factor", field);
            if (factor.signum() < 0) {
                throw f.error(field + ".factor", factor.toPlainString() + " must be 0 or more");
            }
            if (!curve.isEmpty()) {
                final CurvePoint prev = curve.get(curve.size() - 1);
                if (score.compareTo(prev.score()) <= 0) {
                    throw f.error(field + ".score", "the payout curve must increase: score " + score.toPlainString()
                            + " is not above the previous point's " + prev.score().toPlainString());
                }
                if (factor.compareTo(prev.factor()) <= 0) {
                    throw f.error(field + ".factor", "the payout curve must increase: factor " + factor.toPlainString()
                            + " is not above the previous point's " + prev.factor().toPlainString());
                }
            }
            curve.add(new CurvePoint(score, factor));
        }
        final BigDecimal deferred = f.percent(m, "deferred_share", KEY);
        final int release = f.count(m, "release_after_quarters", KEY);
        final boolean clawback = f.bool(m, "clawback_on_churn", KEY);
        final BigDecimal tolerance = f.number(m, "match_tolerance", KEY);
        if (tolerance.signum() < 0 || tolerance.scale() > 2) {
            throw f.error(KEY + ".match_tolerance", tolerance.toPlainString() + " must be an amount of 0 or more with at most 2 decimals");
        }
        return new BonusSection(period, targets, multiplier, curve, deferred, release, clawback, tolerance);
    }
}
