package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plan's {@code targets:} section (optional): the company's bookings target for each year of
 * the plan's period, set top-down (one amount for every year, or an amount per year), and how it is
 * cascaded: to the year's months by seasonality weights
 * (percentages of the year, one per calendar month, adding up to 100), to teams and to their
 * members by their quotas or equally; and how far a target may stray from the quotas under it
 * before it is flagged.
 * <pre>
 * targets:
 *   bookings: {2024: 175000000, 2025: 215000000}     # or one amount for every year of the plan
 *   seasonality: {jan: 7, feb: 5, mar: 8, apr: 8, may: 8, jun: 9, jul: 8, aug: 8, sep: 9, oct: 7, nov: 9, dec: 14}
 *   team_shares: quota
 *   member_shares: quota
 *   gap_tolerance: 5
 * </pre>
 */
public record TargetSection(Map<Integer, BigDecimal> bookings, Map<Integer, BigDecimal> seasonality, String teamShares, String memberShares,
        BigDecimal gapTolerance) {

    public static final String KEY = "targets";
    /** The calendar months as the plan names them, January first. */
    public static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
            "dec");
    /** How a target is shared out: by the quotas under it, or equally. */
    public static final List<String> SHARE_BASES = List.of("quota", "equal");

    public TargetSection {
        bookings = Collections.unmodifiableMap(new LinkedHashMap<>(bookings));
        seasonality = Collections.unmodifiableMap(new LinkedHashMap<>(seasonality));
    }

    /** The section, or null when the plan sets no targets. */
    static TargetSection parse(final PlanFields f, final Map<String, Object> doc, final LocalDate from, final LocalDate to) {
        if (doc.get(KEY) == null) {
            return null;
        }
        final Map<String, Object> m = f.section(doc, KEY, null);
        f.unknownKeys(KEY, m.keySet(), Set.of("bookings", "seasonality", "team_shares", "member_shares", "gap_tolerance"));
        final Map<Integer, BigDecimal> bookings = new TreeMap<>();
        if (m.get("bookings") instanceof Map) {
            for (final Map.Entry<String, Object> e : f.mapping(m.get("bookings"), KEY + ".bookings").entrySet()) {
                final String field = KEY + ".bookings." + e.getKey();
                final int year;
                try {
                    year = Integer.parseInt(e.getKey());
                } catch (final NumberFormatException x) {
                    throw f.error(field, "is not a year; write {2025: 200000000, ...}");
                }
                if (year < from.getYear() || year > to.getYear()) {
                    throw f.error(field, "is outside the plan's effective period " + from + " to " + to);
                }
                bookings.put(year, positive(f, f.number(e.getValue(), field), field));
            }
            if (bookings.isEmpty()) {
                throw f.error(KEY + ".bookings", "must not be empty");
            }
        } else {
            final BigDecimal every = positive(f, f.number(m, "bookings", KEY), KEY + ".bookings");
            for (int y = from.getYear(); y <= to.getYear(); y++) {
                bookings.put(y, every);
            }
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

    private static BigDecimal positive(final PlanFields f, final BigDecimal v, final String field) {
        if (v.signum() <= 0) {
            throw f.error(field, v.toPlainString() + " must be above 0");
        }
        return v;
    }

    private static String basis(final PlanFields f, final Map<String, Object> m, final String key) {
        final String v = f.string(m, key, KEY);
        if (!SHARE_BASES.contains(v)) {
            throw f.error(KEY + "." + key, "'" + v + "' is not one of " + String.join(", ", SHARE_BASES));
        }
        return v;
    }
}
