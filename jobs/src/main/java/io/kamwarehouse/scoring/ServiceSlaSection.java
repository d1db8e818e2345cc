package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code service_sla:} section: the first-response time of every account tier, in
 * hours or in business days (exactly one of them).
 * <pre>
 * service_sla: {S: {hours: 48}, A: {hours: 72}, B: {business_days: 5}}
 * </pre>
 */
public record ServiceSlaSection(Map<String, Tier> tiers) {

    public static final String KEY = "service_sla";
    /** The account tiers of the warehouse (dim_account.tier); every one needs an SLA. */
    public static final List<String> TIERS = List.of("S", "A", "B");

    /** One tier's SLA: hours or business days, the other null. */
    public record Tier(String tier, BigDecimal hours, Integer businessDays) {
    }

    public ServiceSlaSection {
        tiers = Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
    }

    static ServiceSlaSection parse(final PlanFields f, final Map<String, Object> doc) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        f.unknownKeys(KEY, m.keySet(), Set.copyOf(TIERS));
        final Map<String, Tier> out = new LinkedHashMap<>();
        for (final String tier : TIERS) {
            final String field = KEY + "." + tier;
            if (m.get(tier) == null) {
                throw f.error(field, "is missing: every account tier (" + String.join(", ", TIERS)
                        + ") needs a response time, e.g. '" + tier + ": {hours: 48}' or '" + tier + ": {business_days: 5}'");
            }
            final Map<String, Object> t = f.mapping(m.get(tier), field);
            f.unknownKeys(field, t.keySet(), Set.of("hours", "business_days"));
            if (t.containsKey("hours") == t.containsKey("business_days")) {
                throw f.error(field, "give exactly one of hours: or business_days:");
            }
            BigDecimal hours = null;
            Integer days = null;
            if (t.containsKey("hours")) {
                hours = f.number(t, "hours", field);
                if (hours.signum() <= 0) {
                    throw f.error(field + ".hours", hours.toPlainString() + " must be above 0");
                }
            } else {
                days = f.count(t, "business_days", field);
                if (days == 0) {
                    throw f.error(field + ".business_days", "must be 1 or more");
                }
            }
            out.put(tier, new Tier(tier, hours, days));
        }
        return new ServiceSlaSection(out);
    }
}
