package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The retention mart on seven hand-made accounts (fixtures in {@code gold/retention}), as at
 * 2025-06-30: A1 (S) adds a co-terminous add-on, then renews for more; A2 (A) renews for less;
 * A3 (B) lets its contract lapse and comes back four months later; A4 (B) terminates after two
 * quarterly invoices (a third is void); A5 (A) renews 27 days after its contract ended, leaving one
 * month without a contract; A6 (S) starts in the as-of month; A7 (A) ended 15 days before the
 * as-of date.
 */
class RetentionMartTest {

    private static final String AS_OF = "2025-06-30";
    private static final List<String> VARS = List.of("as_of_date");

    private static final String[] TABLES = {"fct_account_revenue_month", "mart_retention_cohort"};

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpecCatalog specs;
    private static Set<String> provided;

    /** One warehouse for the class: fixtures in, the two tables built once (each test reads them). */
    @BeforeAll
    static void warehouse() {
        ctx = SharedSpark.context(dir);
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        provided = new TreeSet<>(PipelineFixture.load(ctx, "retention"));
        provided.add(PipelineFixture.calendar(ctx, 2023, 2026));
        build();
    }

    /** Builds the tables as at 2025-06-30 with the given vars (the others at their defaults). */
    private static void build(final String... vars) {
        var("as_of_date", AS_OF);
        for (int i = 0; i < vars.length; i += 2) {
            var(vars[i], vars[i + 1]);
        }
        try {
            PipelineFixture.build(ctx, specs, provided, TABLES);
        } finally {
            VARS.forEach(v -> ctx.warehouse().spark().conf().unset("kamw.var." + v));
        }
    }

    private static void var(final String name, final String value) {
        ctx.warehouse().spark().conf().set("kamw.var." + name, value);
    }

    private static BigDecimal money(final String v) {
        return new BigDecimal(v).setScale(2, RoundingMode.UNNECESSARY);
    }

    private static BigDecimal ratio(final String v) {
        return new BigDecimal(v).setScale(4, RoundingMode.UNNECESSARY);
    }

    /** A contract as it counts for revenue: its effective end worked out by hand. */
    private record Term(String account, LocalDate start, LocalDate end, String annual) {
        static Term of(final String account, final String start, final String end, final String annual) {
            return new Term(account, LocalDate.parse(start), LocalDate.parse(end), annual);
        }
    }

    private static final List<Term> TERMS = List.of(
            Term.of("A1", "2024-01-01", "2024-12-31", "120000"),
            Term.of("A1", "2025-01-01", "2025-12-31", "156000"),
            Term.of("A1", "2024-07-01", "2024-12-31", "24000"),
            Term.of("A2", "2024-01-01", "2024-12-31", "240000"),
            Term.of("A2", "2025-01-01", "2025-12-31", "180000"),
            Term.of("A3", "2024-01-01", "2024-06-30", "120000"),
            Term.of("A3", "2024-11-01", "2025-10-31", "60000"),
            // terminated: two quarterly invoices of 15,000 (a quarter of 60,000 each) from 2024-02-01
            // cover it to 2024-07-31; the void third invoice does not count
            Term.of("A4", "2024-02-01", "2024-07-31", "60000"),
            Term.of("A5", "2024-01-15", "2025-01-14", "36000"),
            Term.of("A5", "2025-02-10", "2026-02-09", "36000"),
            Term.of("A6", "2025-06-01", "2026-05-31", "72000"),
            Term.of("A7", "2024-06-16", "2025-06-15", "48000"));

    /** MRR on the month's last day (the as-of date in June 2025), straight from the terms above. */
    private static BigDecimal expectedMrr(final String account, final YearMonth month) {
        final LocalDate asOf = LocalDate.parse(AS_OF);
        final LocalDate day = month.atEndOfMonth().isAfter(asOf) ? asOf : month.atEndOfMonth();
        BigDecimal annual = BigDecimal.ZERO;
        for (final Term t : TERMS) {
            if (t.account().equals(account) && !t.start().isAfter(day) && !t.end().isBefore(day)) {
                annual = annual.add(new BigDecimal(t.annual()));
            }
        }
        return annual.divide(BigDecimal.valueOf(12), 2, RoundingMode.HALF_UP);
    }

    @Test
    void everyAccountMonthHasItsRevenueAndMovement() {
        final Map<String, Row> rows = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("fct_account_revenue_month").collectAsList()) {
            rows.put(r.<String>getAs("account_id") + " " + r.getAs("month"), r);
        }

        // Expected rows from the terms: a month with revenue, or the month right after one.
        final Map<String, String> expected = new TreeMap<>();
        for (final String a : List.of("A1", "A2", "A3", "A4", "A5", "A6", "A7")) {
            BigDecimal previous = BigDecimal.ZERO.setScale(2);
            boolean seen = false;
            for (YearMonth m = YearMonth.of(2023, 12); !m.isAfter(YearMonth.of(2025, 6)); m = m.plusMonths(1)) {
                final BigDecimal mrr = expectedMrr(a, m);
                if (mrr.signum() > 0 || previous.signum() > 0) {
                    final String movement = previous.signum() == 0 ? (seen ? "reactivation" : "new")
                            : mrr.signum() == 0 ? "churn"
                            : mrr.compareTo(previous) > 0 ? "expansion" : mrr.compareTo(previous) < 0 ? "contraction" : "unchanged";
                    expected.put(a + " " + m.atDay(1), movement + " " + previous + " -> " + mrr);
                }
                seen |= mrr.signum() > 0;
                previous = mrr;
            }
        }
        final Map<String, String> actual = new TreeMap<>();
        rows.forEach((k, r) -> actual.put(k, r.getAs("movement_type") + " " + r.getAs("previous_mrr_amount") + " -> "
                + r.getAs("mrr_amount")));
        assertEquals(expected, actual);
        assertEquals(90, rows.size());

        // The movements that matter, by hand, with their signed amounts.
        final Row a1Jul = rows.get("A1 2024-07-01");
        assertEquals("expansion", a1Jul.getAs("movement_type"), "the add-on starts");
        assertEquals(money("2000"), a1Jul.getAs("expansion_mrr_amount"));
        assertEquals(2, a1Jul.<Long>getAs("active_contracts").intValue());
        assertEquals(money("1000"), rows.get("A1 2025-01-01").getAs("expansion_mrr_amount"),
                "renewed at 156,000 (13,000 a month) against 10,000 + 2,000");
        assertEquals(money("-5000"), rows.get("A2 2025-01-01").getAs("contraction_mrr_amount"));
        assertEquals(money("-10000"), rows.get("A3 2024-07-01").getAs("churn_mrr_amount"));
        assertNull(rows.get("A3 2024-08-01"), "no row for months after a churn without revenue");
        assertEquals(money("5000"), rows.get("A3 2024-11-01").getAs("reactivation_mrr_amount"));
        assertEquals("churn", rows.get("A4 2024-08-01").getAs("movement_type"), "terminated: invoiced through July");
        assertEquals("churn", rows.get("A5 2025-01-01").getAs("movement_type"), "no contract on 2025-01-31");
        assertEquals("reactivation", rows.get("A5 2025-02-01").getAs("movement_type"));
        assertEquals(money("6000"), rows.get("A6 2025-06-01").getAs("new_mrr_amount"));
        assertEquals(money("-4000"), rows.get("A7 2025-06-01").getAs("churn_mrr_amount"));
        assertEquals(LocalDate.parse(AS_OF), rows.get("A7 2025-06-01").<java.sql.Date>getAs("snapshot_date").toLocalDate());
        assertEquals(java.sql.Date.valueOf("2024-02-01"), rows.get("A4 2024-05-01").getAs("cohort_month"));
        assertEquals("S", rows.get("A1 2024-01-01").getAs("tier"));
        // Tier and key as at the month: A3 moved from B to A on 2025-01-01; A4's only version starts
        // in June 2024, so its earlier months take that first version.
        assertEquals("B", rows.get("A3 2024-12-01").getAs("tier"));
        assertEquals("A", rows.get("A3 2025-01-01").getAs("tier"));
        assertEquals("B", rows.get("A3 2025-01-01").getAs("crm_tier"), "the CRM kept it in B");
        assertEquals(302L, rows.get("A3 2025-01-01").<Long>getAs("account_key"));
        assertEquals(401L, rows.get("A4 2024-02-01").<Long>getAs("account_key"));
        assertEquals(20240201, rows.get("A4 2024-02-01").<Integer>getAs("month_key"));
    }

    private Map<String, Row> cohorts() {
        final Map<String, Row> out = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("mart_retention_cohort").collectAsList()) {
            out.put(r.getAs("cohort_month") + " " + r.getAs("tier") + " " + r.getAs("period_offset"), r);
        }
        return out;
    }

    @Test
    void cohortsRetainLogosAndRevenueGrossAndNet() {
        final Map<String, Row> c = cohorts();
        // cohorts: 2024-01 S (A1), A (A2, A5), B (A3) up to offset 17; 2024-02 B (A4) to 16; 2024-06 A (A7) to 12; 2025-06 S (A6)
        assertEquals(3 * 18 + 17 + 13 + 1, c.size());

        assertEquals("crm_tier", c.get("2024-01-01 A 0").getAs("tier_basis"), "cohort tiers are the CRM's by default");

        // 2024-01, tier A: A2 starts at 20,000, A5 at 3,000.
        final Row a12 = c.get("2024-01-01 A 12"); // January 2025: A2 renewed at 15,000, A5 between contracts
        assertEquals(2L, a12.<Long>getAs("accounts_at_start"));
        assertEquals(1L, a12.<Long>getAs("accounts_retained"));
        assertEquals(ratio("0.5"), a12.getAs("logo_retention"));
        assertEquals(money("23000"), a12.getAs("starting_mrr_amount"));
        assertEquals(money("15000"), a12.getAs("retained_mrr_capped_amount"));
        assertEquals(ratio("0.6522"), a12.getAs("gross_revenue_retention"), "15,000 / 23,000");
        assertEquals(ratio("0.6522"), a12.getAs("net_revenue_retention"));
        final Row a13 = c.get("2024-01-01 A 13"); // February 2025: A5 is back
        assertEquals(ratio("1"), a13.getAs("logo_retention"));
        assertEquals(ratio("0.7826"), a13.getAs("gross_revenue_retention"), "(15,000 + 3,000) / 23,000");

        // 2024-01, tier S: A1 grows from 10,000 to 12,000 and 13,000: net retention above 1, gross capped at 1.
        assertEquals(ratio("1"), c.get("2024-01-01 S 6").getAs("gross_revenue_retention"));
        assertEquals(ratio("1.2"), c.get("2024-01-01 S 6").getAs("net_revenue_retention"));
        assertEquals(money("10000"), c.get("2024-01-01 S 12").getAs("retained_mrr_capped_amount"));
        assertEquals(money("13000"), c.get("2024-01-01 S 12").getAs("retained_mrr_amount"));
        assertEquals(ratio("1.3"), c.get("2024-01-01 S 12").getAs("net_revenue_retention"));

        // 2024-01, tier B: A3 gone in July 2024, back at half its revenue in November; its cohort
        // keeps the tier it started with though it is tier A since January 2025.
        assertEquals(ratio("1"), c.get("2024-01-01 B 5").getAs("logo_retention"));
        assertEquals(ratio("0"), c.get("2024-01-01 B 6").getAs("logo_retention"));
        assertEquals(ratio("0"), c.get("2024-01-01 B 6").getAs("net_revenue_retention"));
        assertEquals(ratio("1"), c.get("2024-01-01 B 10").getAs("logo_retention"));
        assertEquals(ratio("0.5"), c.get("2024-01-01 B 10").getAs("gross_revenue_retention"));

        // 2024-02, tier B: A4 until it terminated.
        assertEquals(1L, c.get("2024-02-01 B 5").<Long>getAs("accounts_retained"));
        assertEquals(0L, c.get("2024-02-01 B 6").<Long>getAs("accounts_retained"));
        assertEquals(0L, c.get("2024-02-01 B 16").<Long>getAs("accounts_retained"));
        // 2024-06, tier A: A7 retained for 12 months, gone in the as-of month.
        assertEquals(ratio("1"), c.get("2024-06-01 A 11").getAs("logo_retention"));
        assertEquals(ratio("0"), c.get("2024-06-01 A 12").getAs("logo_retention"));
        assertEquals(ratio("1"), c.get("2025-06-01 S 0").getAs("net_revenue_retention"));
    }
}
