package io.kamwarehouse.gold;

import io.kamwarehouse.runtime.RunContext;
import io.kamwarehouse.spec.TableSpecCatalog;

/**
 * Inputs of fct_bonus and its reconciliation, under the 2026 plan (account manager 36,000, solution
 * consultant 24,000, back office 9,000, customer success 18,000; team leads x 1.5; curve 50 -> 0.5,
 * 70 -> 0.9, 85 -> 1.1, 100 -> 1.3; 30% deferred, released within 2 quarters), data as of
 * 2026-09-30 (the payments drop of 1 October):
 * <ul>
 * <li>A, account manager and team lead, 2026-Q1, score 77.50: deals D1 (credit 60,000; its invoices are
 * paid in full on 20 May) and D2 (credit 30,000; its account K2 churns in June 2026).</li>
 * <li>B, solution consultant, 2026-Q1, score 50.03: deals D3, D4, D5 (credit 100, 100, 50) never
 * collected.</li>
 * <li>C, customer success, 2026-Q2, score 45.00 (under the curve); D, back office, 2026-Q2, score 100,
 * no deal; F, account manager, 2026-Q2, no score.</li>
 * </ul>
 * The payroll ledger pays A's regular part in full, B's 10.08 short, A's deferred part 200 too much, a
 * regular bonus to G (who has none computed), nothing for D or for A's clawback; a line paid in January
 * and one paid in October lie outside the reconciled pay periods.
 */
public final class BonusFixture {

    private BonusFixture() {
    }

    /** Loads the fixture into a test warehouse. */
    public static void load(final RunContext ctx) {
        load(ctx, TableSpecCatalog.load(ctx.schemas(), ctx.contracts()));
    }

    static void load(final RunContext ctx, final TableSpecCatalog specs) {
        FactFixture.plans(ctx, specs, "cfg_bonus_target", "cfg_bonus_curve");
        FactFixture.table(ctx, "fct_employee_scorecard", "SELECT s.*, p.plan_version, p.plan_hash FROM VALUES "
                + "('A', 'quarter', '2026-Q1', DATE'2026-01-01', DATE'2026-03-31', 'account_manager', 'TA', CAST(77.50 AS DECIMAL(5, 2))), "
                + "('B', 'quarter', '2026-Q1', DATE'2026-01-01', DATE'2026-03-31', 'solution_consultant', 'TB', 50.03), "
                + "('C', 'quarter', '2026-Q2', DATE'2026-04-01', DATE'2026-06-30', 'customer_success', 'TB', 45.00), "
                + "('D', 'quarter', '2026-Q2', DATE'2026-04-01', DATE'2026-06-30', 'back_office', 'TB', 100.00), "
                + "('F', 'quarter', '2026-Q2', DATE'2026-04-01', DATE'2026-06-30', 'account_manager', 'TA', NULL), "
                + "('A', 'month', '2026-03', DATE'2026-03-01', DATE'2026-03-31', 'account_manager', 'TA', 99.00) "
                + "AS s(employee_id, period_type, period, period_start, period_end, role, team_id, composite_score) "
                + "JOIN cfg_scoring_plan p ON s.period_start BETWEEN p.effective_from AND p.effective_to");
        FactFixture.table(ctx, "dim_employee", "SELECT * FROM VALUES "
                + "(1L, 'A', true, TIMESTAMP'2024-01-01 00:00:00', CAST(NULL AS TIMESTAMP)), (2L, 'B', false, TIMESTAMP'2024-01-01 00:00:00', NULL), "
                + "(3L, 'C', false, TIMESTAMP'2024-01-01 00:00:00', NULL), (4L, 'D', false, TIMESTAMP'2024-01-01 00:00:00', NULL), "
                + "(5L, 'F', false, TIMESTAMP'2024-01-01 00:00:00', NULL) AS t(employee_key, employee_id, is_team_lead, valid_from, valid_to)");
        FactFixture.table(ctx, "fct_deal_credit", "SELECT c.*, '2026.1' AS plan_version, 'x' AS plan_hash FROM VALUES "
                + "('D1', 'A', 'K1', DATE'2026-02-10', CAST(60000.00 AS DECIMAL(18, 2))), ('D2', 'A', 'K2', DATE'2026-03-05', 30000.00), "
                + "('D3', 'B', 'K3', DATE'2026-01-20', 100.00), ('D4', 'B', 'K3', DATE'2026-02-20', 100.00), "
                + "('D5', 'B', 'K3', DATE'2026-03-20', 50.00), ('D6', 'A', 'K1', DATE'2026-04-02', 70000.00) "
                + "AS c(opportunity_id, employee_id, account_id, close_date, credit_amount)");
        FactFixture.table(ctx, "stg_crm__opportunities", "SELECT * FROM VALUES "
                + "('D1', CAST(100000.00 AS DECIMAL(18, 2)), 'CNY', CAST(100000.00 AS DECIMAL(18, 2))), ('D2', 50000.00, 'CNY', 50000.00), "
                + "('D3', 100.00, 'CNY', 100.00), ('D4', 100.00, 'CNY', 100.00), ('D5', 50.00, 'CNY', 50.00), ('D6', 70000.00, 'CNY', 70000.00) "
                + "AS t(opportunity_id, amount, currency_code, amount_rpt)");
        FactFixture.table(ctx, "stg_finance__contracts", "SELECT * FROM VALUES ('KT1', 'D1', 'K1'), ('KT2', 'D2', 'K2') "
                + "AS t(contract_id, opportunity_id, account_id)");
        FactFixture.table(ctx, "stg_finance__invoices", "SELECT * FROM VALUES ('I1', 'KT1', 'issued'), ('I2', 'KT1', 'paid'), "
                + "('I3', 'KT2', 'partially_paid'), ('I4', 'KT1', 'void') AS t(invoice_id, contract_id, status)");
        // D1: 60,000 in March and 40,000 on 20 May (the void I4's payment does not count); D2: 10,000 of 50,000
        FactFixture.table(ctx, "stg_finance__payments", "SELECT p.*, amount AS amount_rpt, DATE'2026-10-01' AS _drop_date FROM VALUES "
                + "('P1', 'I1', DATE'2026-03-10', CAST(60000.00 AS DECIMAL(18, 2)), 'CNY'), ('P2', 'I2', DATE'2026-05-20', 40000.00, 'CNY'), "
                + "('P3', 'I3', DATE'2026-04-01', 10000.00, 'CNY'), ('P4', 'I4', DATE'2026-04-01', 99999.00, 'CNY') "
                + "AS p(payment_id, invoice_id, payment_date, amount, currency_code)");
        // K1 churned before D1 closed (it came back): no clawback; K2 churns in June 2026, before D2 was collected
        FactFixture.table(ctx, "fct_account_revenue_month", "SELECT * FROM VALUES ('K1', DATE'2025-12-01', 'churn'), "
                + "('K1', DATE'2026-02-01', 'reactivation'), ('K2', DATE'2026-06-01', 'churn') AS t(account_id, month, movement_type)");
        // the payments drop of 1 October: the data is as of 30 September
        FactFixture.dropped(ctx, "2026-10-01");
        ledger(ctx, "");
    }

    /** The payroll ledger, plus the given extra rows (SQL VALUES rows, each starting with a comma). */
    public static void ledger(final RunContext ctx, final String more) {
        FactFixture.table(ctx, "stg_finance__bonus_payouts", "SELECT l.*, paid_amount AS paid_amount_rpt FROM VALUES "
                + "('L1', 'A', '2026-Q1', 'regular', CAST(37800.00 AS DECIMAL(18, 2)), 'CNY', DATE'2026-04-15'), "
                + "('L2', 'B', '2026-Q1', 'regular', 8400.00, 'CNY', DATE'2026-04-15'), "
                + "('L3', 'A', '2026-Q1', 'deferred_release', 11000.00, 'CNY', DATE'2026-07-15'), "
                + "('L4', 'G', '2026-Q2', 'regular', 500.00, 'CNY', DATE'2026-07-15'), "
                + "('L5', 'A', '2025-Q4', 'regular', 30000.00, 'CNY', DATE'2026-01-15'), "
                + "('L6', 'B', '2026-Q3', 'regular', 9000.00, 'CNY', DATE'2026-10-15')" + more
                + " AS l(payout_id, employee_id, period, payout_type, paid_amount, currency_code, paid_date)");
    }
}
