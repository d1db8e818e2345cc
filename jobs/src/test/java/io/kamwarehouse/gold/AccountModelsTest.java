package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.jobs.JobOptions;
import io.kamwarehouse.metadata.RunRecord;
import io.kamwarehouse.pipeline.TableRunner;
import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The account value and retention model specs on a handful of stand-in silver rows: how won deals
 * become per-account summaries (same-day deals merged, margin at the account's rate to date), how
 * contracts become cohort survivors (renewal within the grace period, churn, periods known and
 * observed), the messages when the book is too small to fit, and the tiering score ranking the
 * predicted CLV. Expected figures are worked out by hand from the rows below.
 */
class AccountModelsTest {

    @TempDir
    static Path dir;
    @TempDir
    static Path tierDir;
    private static RunContext ctx;
    private static Map<String, TableRunner.Built> built;

    private static void table(final RunContext c, final String name, final String valuesSql) {
        c.warehouse().spark().sql(valuesSql).coalesce(1).write().format("delta").mode(SaveMode.Overwrite)
                .save(c.warehouse().tablePath(name));
    }

    private static void accounts(final RunContext c) {
        table(c, "stg_crm__accounts", "SELECT * FROM VALUES ('A1', 'S', 'manufacturing', DATE'2025-06-01'),"
                + " ('A2', 'B', 'retail', DATE'2025-06-01'), ('R1', 'A', 'energy', DATE'2023-01-01'),"
                + " ('R2', 'A', 'energy', DATE'2023-01-01'), ('R3', 'B', 'retail', DATE'2023-01-01')"
                + " AS t(account_id, tier, industry, created_date)");
        // every version the CRM delivered: A1 was tier A until the CRM made it S on 10 February 2026 (delivered in the
        // next day's drop); A2 has one version, delivered after the as-of dates (it holds before its first version too)
        table(c, "raw_crm__accounts", "SELECT account_id, tier, industry, CAST(updated_at AS TIMESTAMP) AS updated_at,"
                + " _drop_date, CAST(_ingested_at AS TIMESTAMP) AS _ingested_at FROM VALUES"
                + " ('A1', 'A', 'manufacturing', '2025-06-01 09:00:00', DATE'2025-06-02', '2025-06-02 06:00:00'),"
                + " ('A1', 'S', 'manufacturing', '2026-02-10 15:30:00', DATE'2026-02-11', '2026-02-11 06:00:00'),"
                + " ('A2', 'B', 'retail', '2026-05-01 09:00:00', DATE'2026-05-02', '2026-05-02 06:00:00')"
                + " AS t(account_id, tier, industry, updated_at, _drop_date, _ingested_at)");
    }

    @BeforeAll
    static void buildFromStandIns() {
        ctx = SharedSpark.context(dir);
        accounts(ctx);
        // A1 wins 100 + 50 on 10 January (one transaction of 150), 200 on 14 February, 400 on 7 March, loses one on
        // 20 March; A2 wins 1,000 on 1 February.
        table(ctx, "stg_crm__opportunities", "SELECT account_id, stage, close_date, CAST(amount_rpt AS DECIMAL(18,2)) AS amount_rpt"
                + " FROM VALUES ('A1', 'closed_won', DATE'2026-01-10', 100), ('A1', 'closed_won', DATE'2026-01-10', 50),"
                + " ('A1', 'closed_won', DATE'2026-02-14', 200), ('A1', 'closed_won', DATE'2026-03-07', 400),"
                + " ('A1', 'closed_lost', DATE'2026-03-20', 900), ('A2', 'closed_won', DATE'2026-02-01', 1000)"
                + " AS t(account_id, stage, close_date, amount_rpt)");
        // A1: January margin 400 of 1,000, February 200 of 1,000; A2 has no cost records.
        table(ctx, "stg_finance__costs", "SELECT account_id, cost_month, CAST(revenue_amount_rpt AS DECIMAL(18,2)) AS revenue_amount_rpt,"
                + " CAST(cost_amount_rpt AS DECIMAL(18,2)) AS cost_amount_rpt FROM VALUES ('A1', DATE'2026-01-01', 1000, 600),"
                + " ('A1', DATE'2026-02-01', 1000, 800) AS t(account_id, cost_month, revenue_amount_rpt, cost_amount_rpt)");
        // the last complete month is March 2026: an activity on its last day
        table(ctx, "stg_crm__activities", "SELECT * FROM VALUES ('A1', DATE'2026-03-31') AS t(account_id, activity_date)");
        // R1 renews every year from 2023-03-01; R2 lets its first contract lapse; R3 renews 17 days after its anniversary
        // (within the 30-day grace) and its renewal still covers the second anniversary. The last signature is on
        // 2026-02-20, so the data end on 2026-01-31 (the last complete month of signatures).
        table(ctx, "stg_finance__contracts", "SELECT * FROM VALUES"
                + " ('C1', 'R1', DATE'2023-03-01', DATE'2024-02-29', DATE'2023-02-10', 'expired'),"
                + " ('C2', 'R1', DATE'2024-03-01', DATE'2025-02-28', DATE'2024-02-10', 'expired'),"
                + " ('C3', 'R1', DATE'2025-03-01', DATE'2026-02-28', DATE'2025-02-15', 'active'),"
                + " ('C4', 'R1', DATE'2026-03-01', DATE'2027-02-28', DATE'2026-02-20', 'active'),"
                + " ('C5', 'R2', DATE'2023-06-01', DATE'2024-05-31', DATE'2023-05-20', 'expired'),"
                + " ('C6', 'R3', DATE'2024-01-15', DATE'2025-01-14', DATE'2024-01-05', 'expired'),"
                + " ('C7', 'R3', DATE'2025-02-01', DATE'2026-01-31', DATE'2025-01-25', 'active'),"
                + " ('C8', 'R3', DATE'2026-06-01', DATE'2027-05-31', CAST(NULL AS DATE), 'draft')"
                + " AS t(contract_id, account_id, start_date, end_date, signed_date, status)");
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        built = PipelineFixture.build(ctx, specs, java.util.Set.of("stg_crm__accounts", "raw_crm__accounts", "stg_crm__opportunities",
                "stg_finance__costs", "stg_crm__activities", "stg_finance__contracts"), "mart_model_fit",
                "fct_contract_expected_lifetime");
    }

    private static Row clv(final String account, final String asOf) {
        return ctx.warehouse().read("fct_account_clv").where("account_id = '" + account + "' AND as_of_date = DATE'" + asOf + "'")
                .first();
    }

    @Test
    void wonDealsBecomeRepeatTransactionsValuedAtTheAccountsMargin() {
        assertEquals(5, ctx.warehouse().read("fct_account_clv").count(), "A1 at three month ends, A2 at two");
        final Row march = clv("A1", "2026-03-31");
        assertEquals(2, march.<Integer>getAs("frequency"), "10 Jan (two deals, one transaction), 14 Feb, 7 Mar");
        assertEquals(8.0, march.<Double>getAs("recency"), 1e-12, "56 days from 10 Jan to 7 Mar");
        assertEquals(80 / 7.0, march.<Double>getAs("t"), 1e-12, "80 days from 10 Jan to 31 Mar");
        assertEquals(0, new BigDecimal("750.00").compareTo(march.getAs("won_amount")));
        // margin rate to date (400 + 200) / 2,000 = 0.30; repeat transactions 200 and 400, mean 300 -> 90.00
        assertEquals(0, new BigDecimal("0.3000").compareTo(march.getAs("margin_rate")));
        assertEquals(0, new BigDecimal("90.00").compareTo(march.getAs("monetary_value")));
        assertEquals("S", march.getAs("crm_tier"));
        assertTrue(march.<Boolean>getAs("is_latest"));
        final Row january = clv("A1", "2026-01-31");
        assertEquals(0, january.<Integer>getAs("frequency"));
        assertEquals(3.0, january.<Double>getAs("t"), 1e-12);
        assertEquals(0, new BigDecimal("0.4000").compareTo(january.getAs("margin_rate")), "January alone: 400 / 1,000");
        assertNull(january.getAs("monetary_value"));
        // the CRM tier of each as-of date is the version in force then: A1 was A at the end of January, S from 10 February
        assertEquals("A", january.getAs("crm_tier"));
        assertEquals("S", clv("A1", "2026-02-28").getAs("crm_tier"));
        assertEquals("B", clv("A2", "2026-02-28").getAs("crm_tier"), "before its first delivered version, that version");
        assertEquals("retail", clv("A2", "2026-02-28").getAs("industry"));
        // A2 has no cost records: the rate of all accounts to date, 0.30
        assertEquals(0, new BigDecimal("0.3000").compareTo(clv("A2", "2026-03-31").getAs("margin_rate")));
        assertEquals(58 / 7.0, clv("A2", "2026-03-31").<Double>getAs("t"), 1e-12);
    }

    @Test
    void aBookTooSmallToFitSaysSoAndPredictsNothing() {
        final Map<String, String> messages = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("mart_model_fit").where("as_of_date = DATE'2026-03-31'")
                .select("model_table", "model", "segment", "message").collectAsList()) {
            messages.put(r.getString(1) + "/" + r.getString(2), r.getString(3));
        }
        assertEquals("too small (n=2 < 50 customers): no fit, no predictions", messages.get("bg_nbd/all"));
        assertEquals("segment too small (n=1 < 50 customers): no pooled fit either (too small (n=2 < 50 customers): no fit,"
                + " no predictions), no predictions", messages.get("bg_nbd/crm_tier=S"));
        assertEquals("too small (n=1 < 30 repeat customers): no fit, no predictions", messages.get("gamma_gamma/all"));
        assertEquals(0, ctx.warehouse().read("fct_account_clv").where("p_alive IS NOT NULL OR clv_3y IS NOT NULL").count());
        assertEquals(RunRecord.SUCCEEDED, built.get("fct_account_clv").status(), built.get("fct_account_clv").message());
    }

    private static Row cohort(final String asOf, final String tier, final int cohort, final int period) {
        return ctx.warehouse().read("mart_retention_projection").where(String.format("as_of_date = DATE'%s' AND crm_tier = '%s'"
                + " AND cohort = %d AND period = %d", asOf, tier, cohort, period)).first();
    }

    @Test
    void contractsBecomeCohortSurvivorsKnownAndObservedByDate() {
        // as-of dates 2024-12-31, 2025-12-31 and the data end 2026-01-31; two cohorts, projected to 10 years each
        assertEquals(60, ctx.warehouse().read("mart_retention_projection").count());
        // 2023 cohort of tier A: R1 and R2; R2 lapsed at its first anniversary, R1 renewed every year
        final Row a1 = cohort("2025-12-31", "A", 2023, 1);
        assertEquals(2L, a1.<Long>getAs("initial_count"));
        assertEquals(1L, a1.<Long>getAs("survivors"));
        assertTrue(a1.<Boolean>getAs("observed"));
        // year 2 ended on R2's second anniversary 2025-06-01; known 30 days later, before the data end
        assertEquals(1L, cohort("2025-12-31", "A", 2023, 2).<Long>getAs("survivors"));
        assertTrue(cohort("2025-12-31", "A", 2023, 2).<Boolean>getAs("observed"));
        // as at 2024-12-31 year 2 had not ended: not fitted, but its actual is known now (forecast against actual)
        assertEquals(false, cohort("2024-12-31", "A", 2023, 2).<Boolean>getAs("observed"));
        assertEquals(1L, cohort("2024-12-31", "A", 2023, 2).<Long>getAs("survivors"));
        // year 3 ends 2026-06-01, after the data: unknown
        assertNull(cohort("2026-01-31", "A", 2023, 3).getAs("survivors"));
        // 2024 cohort of tier B: R3 renewed 17 days late, within the grace period, so it survived year 1
        final Row b1 = cohort("2026-01-31", "B", 2024, 1);
        assertEquals(1L, b1.<Long>getAs("initial_count"));
        assertEquals(1L, b1.<Long>getAs("survivors"));
        assertTrue(b1.<Boolean>getAs("observed"));
        assertNull(cohort("2026-01-31", "B", 2024, 2).getAs("survivors"), "2026-01-15 + 30 days is after the data end");
        assertNull(b1.getAs("projected_survival"), "3 customers cannot be fitted");
        final Map<String, String> fits = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("mart_model_fit").where("model = 'sbg' AND as_of_date = DATE'2026-01-31'")
                .collectAsList()) {
            fits.put(r.getAs("segment"), r.getAs("message"));
        }
        assertEquals("too small (n=3 < 30 customers): no fit, no predictions", fits.get("all"));
    }

    @Test
    void activeContractsKnowTheirYearOfAccountLife() {
        final List<Row> rows = ctx.warehouse().read("fct_contract_expected_lifetime").orderBy("contract_id").collectAsList();
        // active on 2026-01-31: C3 (R1, year 3: 34.97 months since 2023-03-01) and C7 (R3, year 3: 24.5 months since 2024-01-15)
        assertEquals(List.of("C3", "C7"), rows.stream().map(r -> r.<String>getAs("contract_id")).toList());
        assertEquals(3, rows.get(0).<Integer>getAs("contract_year"));
        assertEquals(2023, rows.get(0).<Integer>getAs("cohort"));
        assertEquals(3, rows.get(1).<Integer>getAs("contract_year"));
        assertNull(rows.get(1).getAs("discounted_expected_remaining_periods"), "no usable fit");
    }

    @Test
    void theTieringScoreRanksThePredictedLifetimeValue() {
        final RunContext t = SharedSpark.context(tierDir);
        table(t, "stg_crm__accounts", "SELECT * FROM VALUES ('A1', 'S', 'manufacturing', DATE'2025-06-01'),"
                + " ('A2', 'B', 'retail', DATE'2025-06-01') AS t(account_id, tier, industry, created_date)");
        table(t, "stg_crm__contacts", "SELECT * FROM VALUES ('A1', 'decision_maker', true, DATE'2026-01-05')"
                + " AS t(account_id, decision_role, is_active, created_date)");
        table(t, "stg_crm__activities", "SELECT * FROM VALUES ('A1', DATE'2026-03-31'), ('A2', DATE'2026-03-15')"
                + " AS t(account_id, activity_date)");
        // A1 earns the larger margin, A2 is predicted the larger lifetime value
        table(t, "stg_finance__costs", "SELECT account_id, cost_month, CAST(r AS DECIMAL(18,2)) AS revenue_amount_rpt,"
                + " CAST(c AS DECIMAL(18,2)) AS cost_amount_rpt FROM VALUES ('A1', DATE'2026-03-01', 1000, 100),"
                + " ('A2', DATE'2026-03-01', 1000, 900) AS t(account_id, cost_month, r, c)");
        table(t, "fct_account_clv", "SELECT account_id, as_of_date, CAST(clv AS DECIMAL(18,2)) AS clv_3y FROM VALUES"
                + " ('A1', DATE'2026-03-31', 500), ('A2', DATE'2026-03-31', 8000) AS t(account_id, as_of_date, clv)");
        final TableSpecCatalog specs = TableSpecCatalog.load(t.schemas(), t.contracts());
        PipelineFixture.build(t, specs, java.util.Set.of("stg_crm__accounts", "stg_crm__contacts", "stg_crm__activities",
                "stg_finance__costs", "fct_account_clv"), "fct_account_tier");
        final Map<String, Row> march = new TreeMap<>();
        for (final Row r : t.warehouse().read("fct_account_tier").where("month = DATE'2026-03-01'").collectAsList()) {
            march.put(r.getAs("account_id"), r);
        }
        // two accounts: percent_rank puts the smaller CLV at 0 and the larger at 100, whatever their margins
        assertEquals("clv", march.get("A1").getAs("value_basis"));
        assertEquals(0, new BigDecimal("0.00").compareTo(march.get("A1").getAs("value_score")));
        assertEquals(0, new BigDecimal("100.00").compareTo(march.get("A2").getAs("value_score")));
        assertEquals(0, new BigDecimal("8000.00").compareTo(march.get("A2").getAs("clv_3y")));
        // with value_basis margin the old rule ranks the cumulative margin: A1 (900) above A2 (100)
        t.warehouse().spark().conf().set("kamw.var.value_basis", "margin");
        try {
            PipelineFixture.build(t, specs, java.util.Set.of("stg_crm__accounts", "stg_crm__contacts", "stg_crm__activities",
                    "stg_finance__costs", "fct_account_clv"), "fct_account_tier");
        } finally {
            t.warehouse().spark().conf().unset("kamw.var.value_basis");
        }
        final Row a1 = t.warehouse().read("fct_account_tier").where("month = DATE'2026-03-01' AND account_id = 'A1'").first();
        assertEquals("margin", a1.getAs("value_basis"));
        assertEquals(0, new BigDecimal("100.00").compareTo(a1.getAs("value_score")));
    }
}
