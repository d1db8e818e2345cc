package io.kamwarehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import io.kamwarehouse.spec.Period;
import io.kamwarehouse.testing.SharedSpark;

/** What a build by period replaces, and which input columns count as a change. */
class PeriodPlanTest {

    @Test
    void theColumnsAQueryReadsComeFromItsPlanSubqueriesAndCtesIncluded() {
        final SparkSession spark = SharedSpark.spark();
        spark.sql("SELECT 'a' AS account_id, 'S' AS tier, DATE'2026-01-01' AS created_date, 'x' AS note").createOrReplaceTempView("pp_accounts");
        spark.sql("SELECT 'a' AS account_id, DATE'2026-01-05' AS activity_date, 'call' AS activity_type, 3 AS minutes")
                .createOrReplaceTempView("pp_activities");
        final Map<String, Set<String>> read = PeriodPlan.columnsRead(spark.sql("""
                WITH acts AS (SELECT account_id, trunc(activity_date, 'MM') AS month FROM pp_activities)
                SELECT x.account_id, x.month, count(*) AS n FROM acts x
                WHERE EXISTS (SELECT 1 FROM pp_accounts a WHERE a.account_id = x.account_id AND a.created_date <= x.month)
                GROUP BY x.account_id, x.month"""), List.of("pp_accounts", "pp_activities"));
        // tier and note, activity_type and minutes are not read: a change there changes no result
        assertEquals(Set.of("account_id", "created_date"), read.get("pp_accounts"));
        assertEquals(Set.of("account_id", "activity_date"), read.get("pp_activities"));
        final Map<String, Set<String>> star = PeriodPlan.columnsRead(spark.sql("SELECT * FROM pp_accounts"), List.of("pp_accounts"));
        assertEquals(Set.of("account_id", "tier", "created_date", "note"), star.get("pp_accounts"));
    }

    @Test
    void aChangedRowReachesFromItsOldAndNewValuesAndAClosedVersionOnlyFromItsEnd() {
        final SparkSession spark = SharedSpark.spark();
        final Period month = new Period("month", Period.Grain.MONTH, Map.of());
        // an account's version closed on 15 September and its next one opened then; a deal moved from March to May
        final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> dim = spark.sql("""
                SELECT * FROM VALUES
                  ('k1', 'A', TIMESTAMP'2024-01-10 00:00:00', CAST(NULL AS TIMESTAMP), 'S', 'update_preimage'),
                  ('k1', 'A', TIMESTAMP'2024-01-10 00:00:00', TIMESTAMP'2026-09-15 08:00:00', 'S', 'update_postimage'),
                  ('k2', 'A', TIMESTAMP'2026-09-15 08:00:00', CAST(NULL AS TIMESTAMP), 'A', 'insert')
                AS t(account_key, account_id, valid_from, valid_to, tier, _change_type)""");
        final Period.Reach validity = new Period.Reach("valid_from", "valid_to", 0, false);
        assertEquals(List.of("dim|2026-09-01|null"), rows(PeriodPlan.reached(dim, "dim", validity, month,
                Set.of("account_key", "account_id", "valid_from", "valid_to"))));
        // when the query reads the tier, which the generator changed in place too, the version is not merely closed:
        // its old and new intervals are reached whole
        final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> retiered = dim.selectExpr("account_key", "account_id",
                "valid_from", "valid_to", "CASE WHEN _change_type = 'update_postimage' THEN 'B' ELSE tier END AS tier", "_change_type");
        assertEquals(List.of("dim|2024-01-01|2026-09-01", "dim|2024-01-01|null", "dim|2026-09-01|null"),
                rows(PeriodPlan.reached(retiered, "dim", validity, month, Set.of("account_key", "account_id", "valid_from", "valid_to",
                        "tier"))));
        final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> deals = spark.sql("""
                SELECT * FROM VALUES
                  ('o1', DATE'2026-03-20', 100, 'x', 'update_preimage'), ('o1', DATE'2026-05-02', 100, 'y', 'update_postimage'),
                  ('o2', DATE'2026-01-05', 50, 'x', 'update_preimage'), ('o2', DATE'2026-01-05', 50, 'y', 'update_postimage')
                AS t(opportunity_id, close_date, amount, note, _change_type)""");
        // o2 changed only its note, which the query does not read: no change
        assertEquals(List.of("deals|2026-03-01|null", "deals|2026-05-01|null"), rows(PeriodPlan.reached(deals, "deals",
                new Period.Reach("close_date", null, 0, false), month, Set.of("opportunity_id", "close_date", "amount"))));
        // when the plan could not tell which columns the query reads, every column counts: o2's note is a change too
        assertEquals(List.of("deals|2026-01-01|null", "deals|2026-03-01|null", "deals|2026-05-01|null"), rows(PeriodPlan.reached(deals,
                "deals", new Period.Reach("close_date", null, 0, false), month, null)));
    }

    @Test
    void aComparedColumnChangesOnlyWhenWhatTheQueryUsesOfItChanges() {
        final SparkSession spark = SharedSpark.spark();
        final Period month = new Period("month", Period.Grain.MONTH, Map.of());
        final Period.Reach invoices = new Period.Reach("due_date", null, 0, true, Map.of("status", "coalesce(status, '') = 'void'"),
                List.of());
        // i1 (due in 2023) settled: issued -> paid; i2 voided; i3 issued -> partially_paid -> paid over two versions
        final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> changes = spark.sql("""
                SELECT * FROM VALUES
                  ('i1', DATE'2023-03-31', 100, 'issued', 'update_preimage'), ('i1', DATE'2023-03-31', 100, 'paid', 'update_postimage'),
                  ('i2', DATE'2026-08-31', 200, 'issued', 'update_preimage'), ('i2', DATE'2026-08-31', 200, 'void', 'update_postimage'),
                  ('i3', DATE'2024-01-31', 300, NULL, 'update_preimage'), ('i3', DATE'2024-01-31', 300, 'partially_paid', 'update_postimage'),
                  ('i3', DATE'2024-01-31', 300, 'partially_paid', 'update_preimage'), ('i3', DATE'2024-01-31', 300, 'paid', 'update_postimage')
                AS t(invoice_id, due_date, amount, status, _change_type)""");
        final Set<String> read = Set.of("invoice_id", "due_date", "amount", "status");
        // only the voided invoice reaches: from its due month on
        assertEquals(List.of("inv|2026-08-01|null"), rows(PeriodPlan.reached(changes, "inv", invoices, month, read)));
        // without compare every status change reaches from its due date
        assertEquals(List.of("inv|2023-03-01|null", "inv|2024-01-01|null", "inv|2026-08-01|null"),
                rows(PeriodPlan.reached(changes, "inv", new Period.Reach("due_date", null, 0, true), month, read)));
        // an amount corrected on a settled invoice still reaches
        final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> corrected = spark.sql("""
                SELECT * FROM VALUES
                  ('i1', DATE'2023-03-31', 100, 'issued', 'update_preimage'), ('i1', DATE'2023-03-31', 90, 'paid', 'update_postimage')
                AS t(invoice_id, due_date, amount, status, _change_type)""");
        assertEquals(List.of("inv|2023-03-01|null"), rows(PeriodPlan.reached(corrected, "inv", invoices, month, read)));
    }

    @Test
    void aTableRewrittenWithTheSameRowsHasNoNettedChange() {
        final SparkSession spark = SharedSpark.spark();
        // a rebuilt table: every row deleted and written back, one of them with a new value
        final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> changes = spark.sql("""
                SELECT * FROM VALUES
                  ('T1', 'North', 'delete'), ('T2', 'South', 'delete'),
                  ('T1', 'North', 'insert'), ('T2', 'East', 'insert')
                AS t(team_id, region, _change_type)""");
        assertEquals(List.of("[T2,East]", "[T2,South]"), PeriodPlan.netted(changes, List.of("team_id", "region")).collectAsList()
                .stream().map(Object::toString).sorted().toList());
        assertTrue(PeriodPlan.netted(changes, List.of("team_id")).isEmpty(), "the region is not read: no change");
    }

    private static List<String> rows(final org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> d) {
        return d.distinct().collectAsList().stream().map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).sorted().toList();
    }

    @Test
    void aDecisionReplacesTheListedPeriodsAndEveryOneFromItsOnwardBound() {
        final Period.Grain month = Period.Grain.MONTH;
        final PeriodPlan.Decision d = new PeriodPlan.Decision(false, "x",
                Set.of(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 5, 1), LocalDate.of(2026, 9, 1)), LocalDate.of(2026, 8, 1));
        // a range per period: the column may hold any day of its period (an as-of date is a month's last day)
        assertEquals("(`month` >= DATE'2026-03-01' AND `month` < DATE'2026-04-01') OR (`month` >= DATE'2026-05-01' AND "
                + "`month` < DATE'2026-06-01') OR `month` >= DATE'2026-08-01'", d.predicate("month", month));
        assertEquals("2026-03-01, 2026-05-01, every period from 2026-08-01 on", d.periodsText());
        // consecutive periods are one range, and a run that reaches the onward bound joins it
        final PeriodPlan.Decision runs = new PeriodPlan.Decision(false, "x", Set.of(LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 2, 1), LocalDate.of(2026, 3, 1), LocalDate.of(2026, 6, 1), LocalDate.of(2026, 7, 1)),
                LocalDate.of(2026, 8, 1));
        assertEquals("(`as_of_date` >= DATE'2026-01-01' AND `as_of_date` < DATE'2026-04-01') OR `as_of_date` >= DATE'2026-06-01'",
                runs.predicate("as_of_date", month));
        final PeriodPlan.Decision listed = new PeriodPlan.Decision(false, "x", Set.of(LocalDate.of(2025, 10, 1),
                LocalDate.of(2026, 1, 1)), null);
        assertEquals("(`q` >= DATE'2025-10-01' AND `q` < DATE'2026-04-01')", listed.predicate("q", Period.Grain.QUARTER));
        final PeriodPlan.Decision none = new PeriodPlan.Decision(false, "x", Set.of(), null);
        assertEquals("false", none.predicate("month", month));
        assertEquals(true, none.nothing());
        // ${periods_from}: the first day of the earliest period replaced, listed or onward
        assertEquals(LocalDate.of(2026, 3, 1), d.first());
        assertEquals(LocalDate.of(2025, 10, 1), listed.first());
        assertEquals(LocalDate.of(2026, 2, 1), new PeriodPlan.Decision(false, "x", Set.of(LocalDate.of(2026, 5, 1)),
                LocalDate.of(2026, 2, 1)).first());
        assertEquals(LocalDate.of(2026, 2, 1), new PeriodPlan.Decision(false, "x", Set.of(), LocalDate.of(2026, 2, 1)).first());
    }
}
