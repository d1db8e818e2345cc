package io.kamwarehouse.scoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * One scoring plan file ({@code conf/scoring/<name>.yaml}), parsed and checked: how staff and
 * teams are scored, credited and paid for the periods from {@code effectiveFrom} to
 * {@code effectiveTo}. Each section is its own class; {@link #parse} checks them in order (KPIs
 * before the weights that use them, roles before the sections that name roles).
 *
 * @param file    the file name, e.g. {@code 2026.yaml}
 * @param version the plan's {@code version}, e.g. {@code 2026.1}
 * @param hash    first 16 hex characters of the SHA-256 of the file's bytes
 * @param targets the top-down bookings targets, or null when the plan sets none
 */
public record ScoringPlan(String file, String plan, String version, String hash, LocalDate effectiveFrom, LocalDate effectiveTo,
        String currency, KpiSection kpis, RoleSection roles, CareerStageSection careerStages, DealCreditSection dealCredit,
        BonusSection bonus, TeamHealthSection teamHealth, ServiceSlaSection serviceSla, TargetSection targets) {

    private static final Set<String> KEYS = Set.of("plan", "version", "effective_from", "effective_to", "currency",
            KpiSection.KEY, RoleSection.KEY, CareerStageSection.KEY, DealCreditSection.KEY, BonusSection.KEY,
            TeamHealthSection.KEY, ServiceSlaSection.KEY, TargetSection.KEY);

    /** Parses and checks one plan file's bytes; {@code file} names it in messages. */
    public static ScoringPlan parse(final String file, final byte[] bytes) {
        final PlanFields f = new PlanFields(file);
        final Map<String, Object> m = f.documentWithDecimals(new String(bytes, StandardCharsets.UTF_8));
        f.unknownKeys(null, m.keySet(), KEYS);
        final String plan = f.string(m, "plan", null);
        final String version = f.string(m, "version", null);
        final LocalDate from = f.date(m, "effective_from", null);
        final LocalDate to = f.date(m, "effective_to", null);
        if (to.isBefore(from)) {
            throw f.error("effective_to", to + " is before effective_from " + from);
        }
        final String currency = f.string(m, "currency", null);
        if (!currency.matches("[A-Z]{3}")) {
            throw f.error("currency", "'" + currency + "' is not a currency code (three capital letters, e.g. CNY)");
        }
        final KpiSection kpis = KpiSection.parse(f, m);
        final RoleSection roles = RoleSection.parse(f, m, kpis);
        final CareerStageSection stages = CareerStageSection.parse(f, m, kpis);
        final DealCreditSection credit = DealCreditSection.parse(f, m);
        final BonusSection bonus = BonusSection.parse(f, m, roles);
        final TeamHealthSection health = TeamHealthSection.parse(f, m, roles);
        final ServiceSlaSection sla = ServiceSlaSection.parse(f, m);
        final TargetSection targets = TargetSection.parse(f, m, from, to);
        return new ScoringPlan(file, plan, version, hash(bytes), from, to, currency, kpis, roles, stages, credit, bonus, health,
                sla, targets);
    }

    /** First 16 hex characters of the SHA-256 of the bytes. */
    public static String hash(final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the plan applies to a date (its effective period includes it). */
    public boolean covers(final LocalDate d) {
        return !d.isBefore(effectiveFrom) && !d.isAfter(effectiveTo);
    }
}
