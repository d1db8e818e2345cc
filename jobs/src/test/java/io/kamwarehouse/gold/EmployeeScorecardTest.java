package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

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
 * Scorecards from tiny input tables (fixtures in {@code gold/scorecard}, one CSV per input table,
 * written as Delta with the types below): the four scorecard tables are built by their own jobs,
 * with their checks, and nothing upstream. The data runs to 2026-02-28 (the day before the CRM
 * drop of the activities), so January and February 2026 are the complete months and no quarter
 * is complete yet. Team East region (T-R) has two key-account teams: T-KA with A1 (account
 * manager, 10 months in: growth stage), N1 (account manager, hired 2025-11-01: new hire), S1
 * and S2 (solution consultants, experts, identical) and X1 (left 2025-12-31); T-KA2 with A2
 * (account manager, expert). A1 owns AC1 (tier A), N1 AC2 (B), A2 AC3 (S). Weights are the 2026
 * plan's: account managers 50 / 20 / 30, business results 70 bookings / 30 collection of which a
 * growth or expert stage takes 30%, a new hire 100%. The figures worked out by hand are cases of
 * each table's tests.yaml (bdg_kpi_evidence, fct_employee_kpi, fct_employee_scorecard,
 * fct_team_scorecard); here the four are built together, their checks pass, and every KPI's value
 * is the sum of its evidence.
 */
class EmployeeScorecardTest {

    private static final Path ROOT = Paths.get("src/test/resources/gold/scorecard");
    private static final String PLAN = "plan_version STRING, plan_hash STRING, effective_from DATE, effective_to DATE, ";

    /** Column types of each fixture table (the columns the jobs read). */
    private static final Map<String, String> TABLES = Map.ofEntries(
            Map.entry("cfg_scoring_plan", PLAN + "plan_file STRING, currency STRING, deal_lead_share DECIMAL(9,6), "
                    + "deal_assist_share DECIMAL(9,6)"),
            Map.entry("cfg_scoring_kpi", PLAN + "kpi STRING, dimension STRING, target_source STRING, target_metric STRING, "
                    + "target_value DECIMAL(18,4), cap DECIMAL(18,4)"),
            Map.entry("cfg_scoring_weight", PLAN + "role STRING, career_stage STRING, dimension STRING, dimension_weight DECIMAL(9,6), "
                    + "kpi STRING, kpi_weight DECIMAL(9,6), composite_weight DECIMAL(9,6)"),
            Map.entry("cfg_career_stage", PLAN + "career_stage STRING, from_months INT, to_months INT, business_results_share DECIMAL(9,6)"),
            Map.entry("dim_team", "team_key BIGINT, team_id STRING, team_name STRING, team_type STRING, parent_team_id STRING, "
                    + "level INT, root_team_id STRING, path STRING"),
            Map.entry("dim_employee", "employee_key BIGINT, employee_id STRING, role STRING, team_id STRING, career_stage STRING, "
                    + "hire_date DATE, termination_date DATE, is_team_lead BOOLEAN, valid_from TIMESTAMP, valid_to TIMESTAMP, "
                    + "is_current BOOLEAN"),
            Map.entry("dim_account", "account_key BIGINT, account_id STRING, tier STRING, owner_employee_id STRING, valid_from TIMESTAMP, "
                    + "valid_to TIMESTAMP, is_current BOOLEAN"),
            Map.entry("fct_deal_credit", "opportunity_id STRING, employee_id STRING, team_id STRING, team_role STRING, is_lead BOOLEAN, "
                    + "account_id STRING, close_date DATE, credit_share DECIMAL(9,6), credit_amount DECIMAL(18,2), plan_version STRING, "
                    + "plan_hash STRING"),
            Map.entry("fct_opportunity", "opportunity_id STRING, account_id STRING, is_won BOOLEAN, close_date DATE"),
            Map.entry("fct_account_month", "account_id STRING, month DATE, invoiced_amount_rpt DECIMAL(18,2), "
                    + "collected_amount_rpt DECIMAL(18,2), revenue_amount_rpt DECIMAL(18,2), active_contact_count BIGINT, "
                    + "decision_maker_count BIGINT"),
            Map.entry("fct_contract_renewal", "contract_id STRING, account_id STRING, effective_end_date DATE, end_month DATE, "
                    + "renewal_status STRING, is_renewal_due INT, is_renewed INT"),
            Map.entry("stg_crm__targets", "employee_id STRING, period_month DATE, metric STRING, target_value DECIMAL(18,2), "
                    + "currency_code STRING, target_value_rpt DECIMAL(18,2)"),
            Map.entry("stg_crm__activities", "activity_id STRING, activity_type STRING, account_id STRING, employee_id STRING, "
                    + "activity_date DATE, _drop_date DATE"),
            Map.entry("stg_crm__contacts", "contact_id STRING, account_id STRING, decision_role STRING, created_date DATE"),
            Map.entry("stg_crm__kb_contributions", "contribution_id STRING, employee_id STRING, contribution_date DATE, "
                    + "contribution_type STRING"),
            Map.entry("stg_crm__delivery_milestones", "milestone_id STRING, opportunity_id STRING, account_id STRING, "
                    + "project_manager_employee_id STRING, planned_date DATE, actual_date DATE, status STRING"),
            Map.entry("fct_service_sla", "ticket_id STRING, account_id STRING, employee_id STRING, tier STRING, opened_at TIMESTAMP, "
                    + "opened_date DATE, first_response_at TIMESTAMP, deadline_at TIMESTAMP, sla_status STRING, within_sla BOOLEAN"),
            Map.entry("stg_survey__peer_reviews", "review_id STRING, reviewer_employee_id STRING, reviewee_employee_id STRING, "
                    + "period STRING, collaboration_score DECIMAL(3,1), knowledge_sharing_score DECIMAL(3,1)"),
            Map.entry("stg_survey__nps_responses", "response_id STRING, account_id STRING, survey_date DATE, nps_score INT, "
                    + "csat_score INT"));

    private static final List<String> BUILT = List.of("bdg_kpi_evidence", "fct_employee_kpi", "fct_employee_scorecard",
            "fct_team_scorecard");

    @TempDir
    static Path dir;
    private static RunContext ctx;

    @BeforeAll
    static void build() {
        ctx = SharedSpark.context(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        PipelineFixture.calendar(ctx, 2025, 2026);
        TABLES.forEach((table, ddl) -> ctx.warehouse().spark().read().schema(ddl).option("header", "true")
                .csv(ROOT.resolve(table + ".csv").toAbsolutePath().toString()).coalesce(1).write().format("delta")
                .mode(SaveMode.Overwrite).save(ctx.warehouse().tablePath(table)));
        FactFixture.dropped(ctx, "2026-03-01"); // the CRM drop of 1 March: as of 28 February
        final List<TableRunner.Built> built = new TableRunner(ctx)
                .build(BUILT.stream().map(specs::get).toList(), JobOptions.INCREMENTAL);
        for (final TableRunner.Built b : built) {
            assertEquals(RunRecord.SUCCEEDED, b.status(), b.table() + ": " + TableRunner.describe(b));
            b.checks().forEach(c -> assertTrue(c.passed(), b.table() + ": " + c));
        }
    }

    @Test
    void everyKpiValueIsTheSumOfItsEvidence() {
        ctx.warehouse().read("fct_employee_kpi").createOrReplaceTempView("k");
        ctx.warehouse().read("bdg_kpi_evidence").createOrReplaceTempView("e");
        // a KPI's evidence is its period's rows; an NPS's, the month rows of the twelve months to the period end
        final List<Row> diff = ctx.warehouse().spark().sql("SELECT k.employee_id, k.period, k.kpi, k.evidence_rows, count(e.kpi) AS n, "
                + "k.numerator, sum(e.numerator) AS s FROM k LEFT JOIN e ON e.employee_id = k.employee_id AND e.kpi = k.kpi AND "
                + "CASE WHEN k.kpi = 'nps_owned' THEN e.period_type = 'month' AND e.period_end <= k.period_end "
                + "AND e.period_start >= least(k.period_start, add_months(trunc(k.period_end, 'MM'), -11)) "
                + "ELSE e.period_type = k.period_type AND e.period = k.period END "
                + "GROUP BY 1, 2, 3, 4, 6 HAVING k.evidence_rows <> count(e.kpi) OR k.numerator <> coalesce(sum(e.numerator), 0)")
                .collectAsList();
        assertTrue(diff.isEmpty(), diff.toString());
        // A1's bookings trace to O1 only in January
        final List<String> a1 = ctx.warehouse().read("bdg_kpi_evidence")
                .filter("employee_id = 'A1' AND period = '2026-01' AND kpi = 'bookings_attainment'").collectAsList().stream()
                .map(r -> r.<String>getAs("source_table") + ":" + r.getAs("source_id")).toList();
        assertEquals(List.of("fct_deal_credit:O1"), a1);
    }
}
