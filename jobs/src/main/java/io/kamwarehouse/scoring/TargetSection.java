package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code targets:} section (optional): the company's bookings target for the plan's
 * period, set top-down, and how it is cascaded: to the period's months by seasonality weights
 * (percentages of the year, one per calendar month, adding up to 100), to teams and to their
 * members by their quotas or equally; and how far a target may stray from the quotas under it
 * before it is flagged.
 * <pre>
 * targets:
 *   bookings: 215000000
 *   seasonality: {jan: 7, feb: 5, mar: 8, apr: 8, may: 8, jun: 9, jul: 8, aug: 8, sep: 9, oct: 7, nov: 9, dec: 14}
 *   team_shares: quota
 *   member_shares: quota
 *   gap_tolerance: 5
 * </pre>
 */
public record TargetSection(BigDecimal bookings, Map<Integer, BigDecimal> seasonality, String teamShares, String memberShares,
        BigDecimal gapTolerance) {

    public static final String KEY = "targets";
    /** The calendar months as the plan names them, January first. */
    public static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
            "dec");
    /** How a target is shared out: by the quotas under it, or equally. */
    public static final List<String> SHARE_BASES = List.of("quota", "equal");

    public TargetSection {
        seasonality = Collections.unmodifiableMap(new LinkedHashMap<>(seasonality));
    }

    /** The section, or null when the plan sets no targets. */
    static TargetSection parse(final PlanFields f, final Map<String, Object> doc) {
        if (doc.get(KEY) == null) {
            return null;
        }
        final Map<String, Object> m = f.section(doc, KEY, null);
        f.unknownKeys(KEY, m.keySet(), Set.of("bookings", "seasonality", "team_shares", "member_shares", "gap_tolerance"));
        final BigDecimal bookings = f.number(m, "bookings", KEY);
        if (bookings.signum() <= 0) {
            throw f.error(KEY + ".bookings", bookings.toPlainString() + " must be above 0");
        }
        final String field = KEY + ".seasonality";
        if (m.get("seasonality") == null) {
            throw f.error(field, "is missing: give each month's percent of the year, e.g. {jan: 8, feb: 6, ..., dec: 12}");
        }
        final Map<String, BigDecimal> weights = f.weights(m.get("seasonality"), field);
        final Map<Integer, BigDecimal> byMonth = new LinkedHashMap<>();
        for (final String month : weights.keySet()) {
            if (!MONTHS.contains(month)) {
                throw f.error(field + "." + month, "is not a month; write " + String.join(", ", MONTHS));
            }
        }
        for (int i = 0; i < MONTHS.size(); i++) {
            if (!weights.containsKey(MONTHS.get(i))) {
                throw f.error(field, "has no weight for " + MONTHS.get(i) + ": every month needs one (0 for none)");
            }
            byMonth.put(i + 1, weights.get(MONTHS.get(i)));
        }
        return new TargetSection(bookings, byMonth, basis(f, m, "team_shares"), basis(f, m, "member_shares"),
                f.percent(m, "gap_tolerance", KEY));
    }

    private static String basis(final PlanFields f, final Map<String, Object> m, final String key) {
        final String v = f.string(m, key, KEY);
        if (!SHARE_BASES.contains(v)) {
            throw f.error(KEY + "." + key, "'" + v + "' is not one of " + String.join(", ", SHARE_BASES));
        }
        return v;
    }
}
