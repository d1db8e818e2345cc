package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * First-response SLA by tier under the 2026 plan (S 48 hours, A 72 hours, B 5 business days), on
 * tickets opened around a weekend, the Mid-Autumn Festival (Friday 25 to Sunday 27 September 2026)
 * and National Day (1 to 7 October 2026), with the status as at 15 October 2026.
 */
class ServiceSlaTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;
    private static TableSpecCatalog specs;

    @BeforeAll
    static void warehouse() {
        ctx = SharedSpark.context(dir);
        specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        FactFixture.plans(ctx, specs, "cfg_service_sla");
        // calendar: weekends, and the two holidays of the 2026 list around the tickets
        // (business days numbered as dim_date numbers them)
        FactFixture.table(ctx, "dim_date", "SELECT date_key, date, is_business_day, "
                + "CAST(sum(CASE WHEN is_business_day THEN 1 ELSE 0 END) OVER (ORDER BY date) AS INT) AS business_day_number FROM ("
                + "SELECT CAST(date_format(d, 'yyyyMMdd') AS INT) AS date_key, d AS date, "
                + "weekday(d) < 5 AND NOT (d BETWEEN DATE'2026-09-25' AND DATE'2026-09-27' OR d BETWEEN DATE'2026-10-01' AND DATE'2026-10-07') "
                + "AS is_business_day FROM (SELECT explode(sequence(DATE'2026-01-01', DATE'2026-12-31')) AS d))");
        // KX was tier B until 15 September, S after
        FactFixture.table(ctx, "dim_account", "SELECT * FROM VALUES "
                + "(1L, 'KS', 'S', TIMESTAMP'2020-01-01 00:00:00', CAST(NULL AS TIMESTAMP)), "
                + "(2L, 'KA', 'A', TIMESTAMP'2020-01-01 00:00:00', CAST(NULL AS TIMESTAMP)), "
                + "(3L, 'KB', 'B', TIMESTAMP'2020-01-01 00:00:00', CAST(NULL AS TIMESTAMP)), "
                + "(4L, 'KX', 'B', TIMESTAMP'2020-01-01 00:00:00', TIMESTAMP'2026-09-15 00:00:00'), "
                + "(5L, 'KX', 'S', TIMESTAMP'2026-09-15 00:00:00', CAST(NULL AS TIMESTAMP)) "
                + "AS t(account_key, account_id, tier, valid_from, valid_to)");
        FactFixture.table(ctx, "dim_employee", "SELECT * FROM VALUES "
                + "(11L, 'E1', 'TA', TIMESTAMP'2020-01-01 00:00:00', CAST(NULL AS TIMESTAMP)), "
                + "(12L, 'E2', 'TB', TIMESTAMP'2020-01-01 00:00:00', CAST(NULL AS TIMESTAMP)) "
                + "AS t(employee_key, employee_id, team_id, valid_from, valid_to)");
        FactFixture.table(ctx, "stg_crm__service_tickets", "SELECT ticket_id, account_id, assigned_employee_id, 'medium' AS priority, "
                + "'other' AS category, CAST(opened AS TIMESTAMP) AS opened_at, CAST(responded AS TIMESTAMP) AS first_response_at, "
                + "CAST(NULL AS TIMESTAMP) AS resolved_at, 'open' AS status, DATE'2026-10-16' AS _drop_date FROM VALUES "
                + "('T1', 'KS', 'E1', '2026-09-04 10:00:00', '2026-09-06 09:59:00'), "
                + "('T2', 'KS', 'E1', '2026-09-04 10:00:00', '2026-09-06 10:01:00'), "
                + "('T3', 'KA', 'E1', '2026-09-24 12:00:00', '2026-09-27 12:00:00'), "
                + "('T4', 'KA', 'E1', '2026-09-24 12:00:00', NULL), "
                + "('T5', 'KB', 'E2', '2026-09-24 15:00:00', '2026-10-09 17:00:00'), "
                + "('T6', 'KB', 'E2', '2026-09-24 15:00:00', '2026-10-10 09:00:00'), "
                + "('T7', 'KB', 'E2', '2026-09-05 10:00:00', '2026-09-11 23:00:00'), "
                + "('T8', 'KB', 'E2', '2026-10-14 09:00:00', NULL), "
                + "('T9', 'KX', 'E2', '2026-09-10 10:00:00', '2026-09-15 10:00:00'), "
                + "('T10', 'KX', 'E2', '2026-09-20 10:00:00', '2026-09-23 10:00:00'), "
                + "('T11', 'KB', 'E2', '2026-10-20 10:00:00', NULL) "
                + "AS t(ticket_id, account_id, assigned_employee_id, opened, responded)");
        FactFixture.dropped(ctx, "2026-10-16"); // the tickets' drop: as of 15 October
        FactFixture.run(ctx, specs, "fct_service_sla", Map.of());
        FactFixture.run(ctx, specs, "mart_service_sla", Map.of());
    }

    private static Map<String, Row> tickets() {
        final Map<String, Row> out = new TreeMap<>();
        ctx.warehouse().read("fct_service_sla").collectAsList().forEach(r -> out.put(r.getAs("ticket_id"), r));
        return out;
    }

    private static String summary(final Row r) {
        return r.getAs("tier") + " " + r.getAs("sla_status") + " due " + r.getAs("deadline_at") + " within " + r.getAs("within_sla");
    }

    @Test
    void hoursRulesIgnoreWeekendsAndBusinessDaysSkipWeekendsAndHolidays() {
        final Map<String, Row> t = tickets();
        // as-of date: the day before the drop of 16 October; T11, opened on 20 October, is not yet in
        assertEquals("[T1, T10, T2, T3, T4, T5, T6, T7, T8, T9]", t.keySet().toString());
        // S, 48 hours from Friday 10:00: Sunday 10:00, the weekend counts
        assertEquals("S met due 2026-09-06 10:00:00.0 within true", summary(t.get("T1")));
        assertEquals(new BigDecimal("47.98"), t.get("T1").getAs("response_hours"));
        assertEquals("S breached due 2026-09-06 10:00:00.0 within false", summary(t.get("T2")));
        assertEquals(new BigDecimal("48.02"), t.get("T2").getAs("response_hours"));
        // A, 72 hours from Thursday 24 September 12:00 over the festival: Sunday 27 12:00; a response at the
        // deadline itself is in time
        assertEquals("A met due 2026-09-27 12:00:00.0 within true", summary(t.get("T3")));
        assertEquals(new BigDecimal("72.00"), t.get("T3").getAs("response_hours"));
        assertEquals("A open_breached due 2026-09-27 12:00:00.0 within false", summary(t.get("T4")));
        assertNull(t.get("T4").getAs("response_hours"));
        // B, 5 business days from Thursday 24 September: Friday 25 to Sunday 27 are holidays, then Monday 28 (1),
        // Tuesday 29 (2), Wednesday 30 (3), National Day 1-7 October, Thursday 8 (4), Friday 9 October (5):
        // due at the end of Friday 9 October
        assertEquals("B met due 2026-10-10 00:00:00.0 within true", summary(t.get("T5")));
        assertEquals(5, t.get("T5").<Integer>getAs("response_business_days"));
        assertEquals(new BigDecimal("362.00"), t.get("T5").getAs("response_hours"));
        assertEquals("B breached due 2026-10-10 00:00:00.0 within false", summary(t.get("T6")));
        // opened on a Saturday: Monday 7 (1) to Friday 11 September (5)
        assertEquals("B met due 2026-09-12 00:00:00.0 within true", summary(t.get("T7")));
        // opened Wednesday 14 October, no answer by the end of the 15th: still in time (due Wednesday 21)
        assertEquals("B open due 2026-10-22 00:00:00.0 within null", summary(t.get("T8")));
        assertEquals(false, t.get("T8").<Boolean>getAs("is_breached"));
    }

    @Test
    void theTierIsTheAccountsTierWhenTheTicketWasOpened() {
        final Map<String, Row> t = tickets();
        // KX was B on 10 September: 5 business days (Fri 11, Mon 14, Tue 15 ... due Thursday 17): answered in time,
        // although 120 hours would breach the S rule
        assertEquals("B met due 2026-09-18 00:00:00.0 within true", summary(t.get("T9")));
        assertEquals(4L, t.get("T9").<Long>getAs("account_key"));
        // KX was S on 20 September: 48 hours, answered after 72: breached, although in time under B
        assertEquals("S breached due 2026-09-22 10:00:00.0 within false", summary(t.get("T10")));
        assertEquals("2026.1", t.get("T10").getAs("plan_version"));
        assertEquals("hours", t.get("T10").getAs("sla_basis"));
        assertEquals(Timestamp.valueOf("2026-09-20 10:00:00"), t.get("T10").getAs("opened_at"));
    }

    @Test
    void complianceByEmployeeTeamAndMonth() {
        final Map<String, String> m = new TreeMap<>();
        for (final Row r : ctx.warehouse().read("mart_service_sla").filter("period_type = 'month'").collectAsList()) {
            m.put(r.getAs("dimension") + " " + r.getAs("dimension_value") + " " + r.getAs("period"),
                    r.getAs("tickets") + " tickets, " + r.getAs("tickets_due") + " due, " + r.getAs("tickets_met") + " met, "
                            + r.getAs("tickets_open") + " open, rate " + r.getAs("compliance_rate"));
        }
        // E1 (team TA), September: T1 and T3 met, T2 breached, T4 open past its deadline: 2 of 4
        assertEquals("4 tickets, 4 due, 2 met, 0 open, rate 0.5000", m.get("employee E1 2026-09"));
        assertEquals("4 tickets, 4 due, 2 met, 0 open, rate 0.5000", m.get("team TA 2026-09"));
        // E2 (team TB), September: T5, T7, T9 met; T6, T10 breached: 3 of 5; October: T8 open, nothing due
        assertEquals("5 tickets, 5 due, 3 met, 0 open, rate 0.6000", m.get("employee E2 2026-09"));
        assertEquals("1 tickets, 0 due, 0 met, 1 open, rate null", m.get("team TB 2026-10"));
        assertEquals("9 tickets, 9 due, 5 met, 0 open, rate 0.5556", m.get("all all 2026-09"));
        assertEquals("3 tickets, 3 due, 1 met, 0 open, rate 0.3333", m.get("tier S 2026-09"));
    }
}
