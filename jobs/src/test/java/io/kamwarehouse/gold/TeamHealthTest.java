package io.kamwarehouse.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;
import io.kamwarehouse.testing.SharedSpark;

/**
 * The worked example from practice, 18 + 10 + 5 + 8 = 41, rebuilt from data under the 2026 plan's
 * rules in the second quarter of 2026: team T1 (under region R1) has 25 members, 11 account
 * managers, 6 back office, 3 solution consultants, 3 project managers and 2 customer success
 * (target mix 30/25/20/15/10); five closed deals of which two went through three stages with an
 * activity; five knowledge-base contributions; and 64 of the 200 (member, metric) pairs recorded.
 */
class TeamHealthTest {

    @TempDir
    static Path dir;
    private static RunContext ctx;

    private static final String MEMBERS = "SELECT i, format_string('M%02d', i) AS employee_id, "
            + "CASE WHEN i <= 11 THEN 'account_manager' WHEN i <= 17 THEN 'back_office' WHEN i <= 20 THEN 'solution_consultant' "
            + "WHEN i <= 23 THEN 'project_manager' ELSE 'customer_success' END AS role FROM (SELECT explode(sequence(1, 25)) AS i)";

    @BeforeAll
    static void warehouse() {
        ctx = SharedSpark.context(dir);
        final TableSpecCatalog specs = TableSpecCatalog.load(ctx.schemas(), ctx.contracts());
        FactFixture.plans(ctx, specs, "cfg_team_health", "cfg_team_role_target", "cfg_team_health_metric");
        FactFixture.table(ctx, "dim_team", "SELECT * FROM VALUES (1L, 'R1', 'East', 'region', 1, 'R1'), "
                + "(2L, 'T1', 'Key accounts 1', 'key_account', 2, 'R1/T1') AS t(team_key, team_id, team_name, team_type, level, path)");
        FactFixture.table(ctx, "dim_employee", "SELECT 100 + i AS employee_key, employee_id, role, 'T1' AS team_id, DATE'2025-01-01' AS hire_date, "
                + "CAST(NULL AS DATE) AS termination_date, TIMESTAMP'2025-01-01 00:00:00' AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to "
                + "FROM (" + MEMBERS + ") UNION ALL SELECT 100, 'RM', 'account_manager', 'R1', DATE'2025-01-01', NULL, "
                + "TIMESTAMP'2025-01-01 00:00:00', NULL "
                // a member who left in March is not counted
                + "UNION ALL SELECT 99, 'GONE', 'account_manager', 'T1', DATE'2025-01-01', DATE'2026-03-15', TIMESTAMP'2025-01-01 00:00:00', NULL");
        FactFixture.table(ctx, "dim_account", "SELECT * FROM VALUES ('A6', 'M06', TIMESTAMP'2020-01-01 00:00:00', CAST(NULL AS TIMESTAMP)), "
                + "('A7', 'M07', TIMESTAMP'2020-01-01 00:00:00', NULL), ('A8', 'M08', TIMESTAMP'2020-01-01 00:00:00', NULL), "
                + "('A9', 'M09', TIMESTAMP'2020-01-01 00:00:00', NULL) AS t(account_id, owner_employee_id, valid_from, valid_to)");
        // five deals closed in the quarter, owned by M01..M05
        FactFixture.table(ctx, "stg_crm__opportunities", "SELECT * FROM VALUES "
                + "('D1', 'M01', DATE'2026-05-10', true, 'closed_won'), ('D2', 'M02', DATE'2026-05-20', true, 'closed_lost'), "
                + "('D3', 'M03', DATE'2026-05-21', true, 'closed_won'), ('D4', 'M04', DATE'2026-05-22', true, 'closed_won'), "
                + "('D5', 'M05', DATE'2026-05-23', true, 'closed_won'), ('D6', 'M05', DATE'2026-08-01', false, 'proposal') "
                + "AS t(opportunity_id, owner_employee_id, close_date, is_closed, stage)");
        FactFixture.table(ctx, "stg_crm__opportunity_team_members", "SELECT * FROM VALUES ('D1', 'M01', 'lead'), ('D1', 'M18', 'solution') "
                + "AS t(opportunity_id, employee_id, team_role)");
        // D1, D2: three stages before closing; D3: two; D4: three but no activity; D5: only its close
        FactFixture.table(ctx, "stg_crm__opportunity_stage_history", "SELECT opportunity_id, stage, CAST(changed AS TIMESTAMP) AS changed_at FROM VALUES "
                + "('D1', 'prospecting', '2026-04-01 09:00:00'), ('D1', 'qualification', '2026-04-10 09:00:00'), "
                + "('D1', 'proposal', '2026-04-20 09:00:00'), ('D1', 'closed_won', '2026-05-10 09:00:00'), "
                + "('D2', 'prospecting', '2026-04-02 09:00:00'), ('D2', 'needs_analysis', '2026-04-11 09:00:00'), "
                + "('D2', 'negotiation', '2026-04-21 09:00:00'), ('D2', 'closed_lost', '2026-05-20 09:00:00'), "
                + "('D3', 'prospecting', '2026-04-03 09:00:00'), ('D3', 'proposal', '2026-04-12 09:00:00'), "
                + "('D3', 'closed_won', '2026-05-21 09:00:00'), "
                + "('D4', 'prospecting', '2026-04-04 09:00:00'), ('D4', 'qualification', '2026-04-13 09:00:00'), "
                + "('D4', 'proposal', '2026-04-23 09:00:00'), ('D4', 'closed_won', '2026-05-22 09:00:00'), "
                + "('D5', 'closed_won', '2026-05-23 09:00:00') AS t(opportunity_id, stage, changed)");
        // every member logs one activity in the quarter; M01..M03's are on their deals
        FactFixture.table(ctx, "stg_crm__activities", "SELECT concat('AC', employee_id) AS activity_id, employee_id, DATE'2026-04-15' AS activity_date, "
                + "CASE employee_id WHEN 'M01' THEN 'D1' WHEN 'M02' THEN 'D2' WHEN 'M03' THEN 'D3' END AS opportunity_id, "
                + "DATE'2026-07-01' AS _drop_date FROM (" + MEMBERS + ")");
        FactFixture.table(ctx, "stg_crm__kb_contributions", "SELECT concat('KB', i) AS contribution_id, employee_id, DATE'2026-05-05' AS contribution_date "
                + "FROM (" + MEMBERS + ") WHERE i >= 21");
        FactFixture.table(ctx, "stg_survey__peer_reviews", "SELECT concat('PR', i) AS review_id, employee_id AS reviewer_employee_id, "
                + "'M25' AS reviewee_employee_id, '2026-Q2' AS period FROM (" + MEMBERS + ") WHERE i <= 20");
        FactFixture.table(ctx, "stg_crm__service_tickets", "SELECT * FROM VALUES ('TK1', 'M24', TIMESTAMP'2026-04-20 10:00:00'), "
                + "('TK2', 'M25', TIMESTAMP'2026-05-20 10:00:00'), ('TK3', 'M25', TIMESTAMP'2026-06-20 10:00:00') "
                + "AS t(ticket_id, assigned_employee_id, opened_at)");
        FactFixture.table(ctx, "stg_crm__delivery_milestones", "SELECT * FROM VALUES ('DM1', 'M21', DATE'2026-04-30', DATE'2026-05-02'), "
                + "('DM2', 'M22', DATE'2026-05-30', NULL), ('DM3', 'M23', DATE'2026-03-30', DATE'2026-04-02') "
                + "AS t(milestone_id, project_manager_employee_id, planned_date, actual_date)");
        FactFixture.table(ctx, "stg_crm__contacts", "SELECT * FROM VALUES ('C1', 'A6', DATE'2026-04-08'), ('C2', 'A7', DATE'2026-05-08'), "
                + "('C3', 'A7', DATE'2026-06-08') AS t(contact_id, account_id, created_date)");
        FactFixture.table(ctx, "stg_survey__nps_responses", "SELECT * FROM VALUES ('N1', 'A8', DATE'2026-04-18'), ('N2', 'A9', DATE'2026-06-18') "
                + "AS t(response_id, account_id, survey_date)");
        FactFixture.run(ctx, specs, "fct_team_health", Map.of("as_of_date", "2026-06-30"));
    }

    private static Row row(final String team) {
        final List<Row> rows = ctx.warehouse().read("fct_team_health").filter("team_id = '" + team + "' AND quarter = '2026-Q2'").collectAsList();
        assertEquals(1, rows.size(), team);
        return rows.get(0);
    }

    @Test
    void theWorkedExampleScores41AndNeedsRebuilding() {
        final Row t = row("T1");
        assertEquals(25L, t.<Long>getAs("members"));
        // role completeness: 11 of 25 account managers (44% against 30%) and 6 back office (24% against 10%):
        // 28% of the staff are beyond their role's target, 25 x 0.72 = 18
        assertEquals(new BigDecimal("0.280000"), t.getAs("misplaced_role_share"));
        assertEquals(new BigDecimal("18.00"), t.getAs("role_completeness_score"));
        // process penetration: D1 and D2 of the five closed deals: 25 x 2 / 5 = 10
        assertEquals(5L, t.<Long>getAs("closed_deals"));
        assertEquals(2L, t.<Long>getAs("process_deals"));
        assertEquals(new BigDecimal("10.00"), t.getAs("process_penetration_score"));
        // knowledge vitality: 5 contributions for 25 members at 1 each: 25 x 0.2 = 5
        assertEquals(5L, t.<Long>getAs("kb_contributions"));
        assertEquals(new BigDecimal("5.00"), t.getAs("knowledge_vitality_score"));
        // data acuity: activities 25, peer reviews 20, stage history 5 (M01-M05), knowledge base 5, delivery
        // milestones 3, service tickets 2, contacts 2 (owners of A6, A7), NPS 2 (owners of A8, A9) = 64 of 25 x 8
        assertEquals(200L, t.<Long>getAs("acuity_pairs"));
        assertEquals(64L, t.<Long>getAs("acuity_pairs_recorded"));
        assertEquals(new BigDecimal("8.00"), t.getAs("data_acuity_score"));
        assertEquals(new BigDecimal("41.00"), t.getAs("total_score"));
        assertTrue(t.<Boolean>getAs("needs_rebuild"));
        // under 70% of their points, weakest first; role completeness (72%) is not among them
        assertEquals(List.of("knowledge_vitality", "data_acuity", "process_penetration"), t.getList(t.fieldIndex("weakest_dimensions")));
        assertEquals("knowledge_vitality, data_acuity, process_penetration", t.getAs("weakest_dimensions_text"));
        assertEquals("2026.1", t.getAs("plan_version"));
        assertEquals(16, t.<String>getAs("plan_hash").length());
    }

    @Test
    void aRegionCountsTheMembersOfItsTeams() {
        final Row r = row("R1");
        // the region's manager (an account manager) plus T1's 25
        assertEquals(26L, r.<Long>getAs("members"));
        // (12/26 - 0.30) + (6/26 - 0.10) = 0.292308; 25 x 0.707692 = 17.69
        assertEquals(new BigDecimal("17.69"), r.getAs("role_completeness_score"));
        assertEquals(new BigDecimal("10.00"), r.getAs("process_penetration_score"));
        // 25 x 5 / 26 = 4.81; 25 x 64 / 208 = 7.69
        assertEquals(new BigDecimal("4.81"), r.getAs("knowledge_vitality_score"));
        assertEquals(new BigDecimal("7.69"), r.getAs("data_acuity_score"));
        assertEquals(new BigDecimal("40.19"), r.getAs("total_score"));
    }
}
