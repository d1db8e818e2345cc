package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Account health as at 2025-06-30 on seven accounts (fixtures in {@code gold/health}), each built to
 * trip one churn-risk reason or none: H1 healthy, H2 activity fell from 5 to 1 a quarter, H3 its
 * latest NPS a 3, H4 an invoice 40,000 short three months after its due date, H5 (tier S) two
 * tickets answered late or not at all, H6 (tier B) a detractor whose contract ends in August with
 * only a lost renewal deal, H7 the same ending with a renewal deal open.
 */
class AccountHealthTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpecCatalog specs;
    private static Set<String> provided;

    /** One warehouse for the class: fixtures in (the real dim_date, with its holidays), the table built once. */
    @BeforeAll
    static void warehouse() {
        ctx = SharedSpark.context(dir);
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        provided = PipelineFixture.load(ctx, "health");
        build();
    }

    /** Builds the table as at 2025-06-30 with the given vars (the others at their defaults). */
    private static void build(final String... vars) {
        final Map<String, String> conf = new TreeMap<>(Map.of("as_of_date", "2025-06-30"));
        for (int i = 0; i < vars.length; i += 2) {
            conf.put(vars[i], vars[i + 1]);
        }
        conf.forEach((k, v) -> ctx.warehouse().spark().conf().set("kamw.var." + k, v));
        try {
            PipelineFixture.build(ctx, specs, provided, "fct_account_health");
        } finally {
            conf.keySet().forEach(k -> ctx.warehouse().spark().conf().unset("kamw.var." + k));
        }
    }

    private Map<String, Row> latest() {
        final Map<String, Row> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("fct_account_health").collectAsList()) {
            if (r.<Boolean>getAs("is_latest")) {
                out.put(r.getAs("account_id"), r);
            }
        }
        return out;
    }

    private static List<String> reasons(final Row r) {
        return r.getList(r.fieldIndex("risk_reasons"));
    }

    /** Weighted score with the default weights (activity .25, NPS .20, payment .20, SLA .15, renewal .20). */
    private static BigDecimal score(final String activity, final String nps, final String payment, final String sla,
            final String renewal) {
        return new BigDecimal(activity).multiply(new BigDecimal("0.25")).add(new BigDecimal(nps).multiply(new BigDecimal("0.20")))
                .add(new BigDecimal(payment).multiply(new BigDecimal("0.20"))).add(new BigDecimal(sla).multiply(new BigDecimal("0.15")))
                .add(new BigDecimal(renewal).multiply(new BigDecimal("0.20"))).setScale(2, RoundingMode.HALF_UP);
    }

    @Test
    void eachRiskReasonIsFlaggedWithItsScoreComponents() {
        build(); // the defaults (a no-op unless an earlier test changed them)
        final Map<String, Row> h = latest();
        assertEquals(List.of("H1", "H2", "H3", "H4", "H5", "H6", "H7"), List.copyOf(h.keySet()));

        final Map<String, String> risk = new TreeMap<>();
        h.forEach((a, r) -> risk.put(a, r.getAs("churn_risk_level") + " " + reasons(r)));
        assertEquals(Map.of(
                "H1", "low []",
                "H2", "medium [activity_decline]",
                "H3", "medium [detractor_nps]",
                "H4", "medium [overdue_invoices]",
                "H5", "medium [sla_breaches]",
                "H6", "high [detractor_nps, contract_ending_without_renewal]",
                "H7", "low []"), risk);
        assertEquals("detractor_nps, contract_ending_without_renewal", h.get("H6").getAs("risk_reasons_text"));

        // H1: steady activity (3 and 3), NPS 9, paid, one ticket answered in a day, contract to December.
        assertEquals(score("100", "90", "100", "100", "100"), h.get("H1").getAs("health_score"));
        // H2: 1 activity against 5: 20; no NPS in the last year (its 2 from March 2024 is too old): 50.
        assertEquals(1L, h.get("H2").<Long>getAs("activities_last_window"));
        assertEquals(5L, h.get("H2").<Long>getAs("activities_prior_window"));
        assertEquals(score("20", "50", "100", "100", "100"), h.get("H2").getAs("health_score"));
        // H3: latest response a 3 (an earlier 9 does not count).
        assertEquals(score("100", "30", "100", "100", "100"), h.get("H3").getAs("health_score"));
        // H4: 40,000 of the 120,000 due in the last year is unpaid on 2025-06-30 (the July payment comes later).
        final Row h4 = h.get("H4");
        assertEquals(new BigDecimal("40000.00"), h4.getAs("overdue_amount_rpt"));
        assertEquals(new BigDecimal("66.67"), h4.getAs("payment_score"));
        assertEquals(score("100", "50", "66.67", "100", "100"), h4.getAs("health_score"));
        // H5 (S, 48 hours): HT1 answered after 50 hours, HT2 unanswered for 10 days; HT3 opened the day
        // before and HT4 answered in a day are fine; HT0 is older than 90 days.
        assertEquals(4L, h.get("H5").<Long>getAs("tickets_in_window"));
        assertEquals(2L, h.get("H5").<Long>getAs("sla_breaches"));
        assertEquals(score("100", "50", "100", "50", "100"), h.get("H5").getAs("health_score"));
        // H6 (B, 5 business days): opened Friday 6 June, answered Friday 13 June: in time; opened
        // Friday 16 May, answered Monday 26 May: late; opened Friday 30 May, answered Monday 9 June:
        // in time, because Monday 2 June is the Dragon Boat Festival holiday in dim_date. One breach
        // is under the threshold of two.
        assertEquals(3L, h.get("H6").<Long>getAs("tickets_in_window"));
        assertEquals(1L, h.get("H6").<Long>getAs("sla_breaches"));
        assertEquals(new BigDecimal("66.67"), h.get("H6").getAs("sla_score"));
        assertEquals(new BigDecimal("0.00"), h.get("H6").getAs("renewal_score"));
        assertEquals(score("100", "50", "100", "66.67", "0"), h.get("H6").getAs("health_score"));
        // H7: same ending, but a renewal deal is open.
        assertEquals(1L, h.get("H7").<Long>getAs("open_renewal_opportunities"));
        assertEquals(score("100", "50", "100", "100", "100"), h.get("H7").getAs("health_score"));

        // One row per month with revenue: H1 from January 2025, H6 from September 2024.
        final long h6Months = ctx.warehouse().read("fct_account_health").filter("account_id = 'H6'").count();
        assertEquals(10, h6Months);
        assertTrue(ctx.warehouse().read("fct_account_health").filter("account_id = 'H1'").count() == 6);
    }

    @Test
    void thresholdsAreVars() {
        try {
            build("sla_breach_min", "1", "w_renewal", "0");
            final Map<String, Row> h = latest();
            assertEquals(List.of("detractor_nps", "sla_breaches", "contract_ending_without_renewal"), reasons(h.get("H6")));
            assertEquals(List.of("sla_breaches"), reasons(h.get("H5")));
            // Without the renewal weight, H6's score is the other four over their weights:
            // (25 + 10 + 20 + 0.15 x 66.67) / 0.8 = 81.250625.
            assertEquals(new BigDecimal("81.25"), h.get("H6").getAs("health_score"));
        } finally {
            build();
        }
    }
}
