package io.kamwarehouse.scoring;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's {@code deal_credit:} section: the lead's share of a won deal and the team roles
 * that share the rest equally (whole percentages adding up to 100).
 * <pre>
 * deal_credit: {lead_share: 60, assist_share: 40, assist_roles: [assist, solution, delivery]}
 * </pre>
 */
public record DealCreditSection(BigDecimal leadShare, BigDecimal assistShare, List<String> assistRoles) {

    public static final String KEY = "deal_credit";
    /** The team role of the member who leads a deal (in the CRM's opportunity team members). */
    public static final String LEAD_ROLE = "lead";

    public DealCreditSection {
        assistRoles = List.copyOf(assistRoles);
    }

    static DealCreditSection parse(final PlanFields f, final Map<String, Object> doc) {
        final Map<String, Object> m = f.section(doc, KEY, null);
        f.unknownKeys(KEY, m.keySet(), Set.of("lead_share", "assist_share", "assist_roles"));
        final BigDecimal lead = f.percent(m, "lead_share", KEY);
        final BigDecimal assist = f.percent(m, "assist_share", KEY);
        if (lead.add(assist).compareTo(BigDecimal.valueOf(100)) != 0) {
            throw f.error(KEY, "lead_share + assist_share add up to " + lead.add(assist).toPlainString() + ", not 100 ("
                    + lead.toPlainString() + " + " + assist.toPlainString() + ")");
        }
        final List<String> roles = f.strings(m, "assist_roles", KEY);
        if (roles.contains(LEAD_ROLE)) {
            throw f.error(KEY + ".assist_roles", "'" + LEAD_ROLE + "' is the lead, not an assist role");
        }
        return new DealCreditSection(lead, assist, roles);
    }
}
