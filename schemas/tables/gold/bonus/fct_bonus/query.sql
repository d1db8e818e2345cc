WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
cards AS (
  SELECT s.employee_id, s.period, s.period_start, s.period_end, s.role, s.team_id, s.composite_score,
         s.plan_version, s.plan_hash
  FROM fct_employee_scorecard s
  WHERE s.period_type = 'quarter'
),
leads AS (
  SELECT c.employee_id, c.period, max_by(e.is_team_lead, e.valid_from) AS is_team_lead
  FROM cards c
  JOIN dim_employee e ON e.employee_id = c.employee_id AND e.valid_from < CAST(date_add(c.period_end, 1) AS TIMESTAMP)
  GROUP BY c.employee_id, c.period
),
curve AS (
  SELECT plan_version, score, factor,
         lead(score) OVER (PARTITION BY plan_version ORDER BY score) AS next_score,
         lead(factor) OVER (PARTITION BY plan_version ORDER BY score) AS next_factor
  FROM cfg_bonus_curve
),
segments AS (
  SELECT c.employee_id, c.period, max_by(struct(k.score, k.factor, k.next_score, k.next_factor), k.score) AS seg
  FROM cards c
  JOIN curve k ON k.plan_version = c.plan_version AND k.score <= c.composite_score
  GROUP BY c.employee_id, c.period
),
factored AS (
  SELECT c.*, coalesce(l.is_team_lead, false) AS is_team_lead,
         p.currency, p.bonus_deferred_share AS deferred_share, p.bonus_release_after_quarters AS release_after_quarters,
         p.bonus_clawback_on_churn AS clawback_on_churn, p.bonus_team_lead_multiplier,
         t.target_bonus_amount AS role_target_bonus_amount,
         CAST(round(CASE WHEN s.seg IS NULL THEN 0
                         WHEN s.seg.next_score IS NULL THEN s.seg.factor
                         ELSE s.seg.factor + (c.composite_score - s.seg.score) * (s.seg.next_factor - s.seg.factor)
                                             / (s.seg.next_score - s.seg.score) END, 6) AS DECIMAL(12, 6)) AS payout_factor
  FROM cards c
  JOIN cfg_scoring_plan p ON p.plan_version = c.plan_version
  LEFT JOIN leads l ON l.employee_id = c.employee_id AND l.period = c.period
  LEFT JOIN cfg_bonus_target t ON t.plan_version = c.plan_version AND t.role = c.role
  LEFT JOIN segments s ON s.employee_id = c.employee_id AND s.period = c.period
),
targeted AS (
  SELECT f.*,
         CAST(round(coalesce(f.role_target_bonus_amount, 0)
                    * CASE WHEN f.is_team_lead THEN f.bonus_team_lead_multiplier ELSE 1 END, 2) AS DECIMAL(18, 2))
           AS target_bonus_amount
  FROM factored f
),
bonuses AS (
  SELECT t.*, CAST(round(t.target_bonus_amount * t.payout_factor, 2) AS DECIMAL(18, 2)) AS computed_amount
  FROM targeted t
),
split AS (
  SELECT b.*, CAST(round(b.computed_amount * b.deferred_share, 2) AS DECIMAL(18, 2)) AS deferred_amount,
         date_sub(add_months(b.period_start, 3 * (b.release_after_quarters + 1)), 1) AS release_deadline
  FROM bonuses b
),
credits AS (
  SELECT s.employee_id, s.period, s.deferred_amount, d.opportunity_id, d.account_id, d.close_date, d.credit_amount,
         sum(d.credit_amount) OVER (PARTITION BY s.employee_id, s.period) AS total_credit
  FROM split s
  JOIN fct_deal_credit d
    ON d.employee_id = s.employee_id AND d.close_date BETWEEN s.period_start AND s.period_end AND d.credit_amount > 0
  WHERE s.deferred_amount > 0
),
-- the deferred part split in proportion to credit, to the cent (largest remainder)
shares AS (
  SELECT c.*, c.deferred_amount * 100 * c.credit_amount / c.total_credit AS exact_cents,
         floor(c.deferred_amount * 100 * c.credit_amount / c.total_credit) AS floor_cents
  FROM credits c
),
ranked AS (
  SELECT s.*,
         s.deferred_amount * 100 - sum(s.floor_cents) OVER (PARTITION BY s.employee_id, s.period) AS left_cents,
         row_number() OVER (PARTITION BY s.employee_id, s.period
                            ORDER BY s.exact_cents - s.floor_cents DESC, s.opportunity_id) AS remainder_rank
  FROM shares s
),
allocations AS (
  SELECT r.employee_id, r.period, r.opportunity_id, r.account_id, r.close_date, r.credit_amount,
         CAST(r.credit_amount / r.total_credit AS DECIMAL(9, 6)) AS credit_share,
         CAST((r.floor_cents + CASE WHEN r.remainder_rank <= r.left_cents THEN 1 ELSE 0 END) / 100 AS DECIMAL(18, 2))
           AS allocated_amount
  FROM ranked r
),
deal_payments AS (
  SELECT o.opportunity_id, p.payment_date,
         CASE WHEN p.currency_code = o.currency_code THEN p.amount ELSE p.amount_rpt END AS paid,
         CASE WHEN p.currency_code = o.currency_code THEN o.amount ELSE o.amount_rpt END AS deal_amount
  FROM (SELECT DISTINCT opportunity_id FROM allocations) a
  JOIN stg_crm__opportunities o ON o.opportunity_id = a.opportunity_id
  JOIN stg_finance__contracts k ON k.opportunity_id = o.opportunity_id
  JOIN stg_finance__invoices i ON i.contract_id = k.contract_id AND coalesce(i.status, '') NOT IN ('void', 'cancelled')
  JOIN stg_finance__payments p ON p.invoice_id = i.invoice_id
  CROSS JOIN params x
  WHERE p.payment_date <= x.as_of_date
),
collected AS (
  SELECT opportunity_id, min(CASE WHEN cumulative >= deal_amount THEN payment_date END) AS collected_date
  FROM (SELECT d.*, sum(paid) OVER (PARTITION BY opportunity_id ORDER BY payment_date
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
        FROM deal_payments d)
  GROUP BY opportunity_id
),
churns AS (
  SELECT a.employee_id, a.period, a.opportunity_id, min(r.month) AS churn_month
  FROM allocations a
  JOIN fct_account_revenue_month r
    ON r.account_id = a.account_id AND r.movement_type = 'churn' AND r.month > a.close_date
  GROUP BY a.employee_id, a.period, a.opportunity_id
),
deferred_events AS (
  SELECT a.*, c.collected_date, ch.churn_month, s.release_deadline, s.period_end, s.clawback_on_churn,
         least(coalesce(c.collected_date, s.release_deadline), s.release_deadline) AS release_date
  FROM allocations a
  JOIN split s ON s.employee_id = a.employee_id AND s.period = a.period
  LEFT JOIN collected c ON c.opportunity_id = a.opportunity_id
  LEFT JOIN churns ch ON ch.employee_id = a.employee_id AND ch.period = a.period AND ch.opportunity_id = a.opportunity_id
),
events AS (
  SELECT s.employee_id, s.period, 'regular' AS payout_type, CAST(NULL AS STRING) AS opportunity_id,
         CAST(NULL AS STRING) AS account_id, CAST(NULL AS DATE) AS deal_close_date, CAST(NULL AS DECIMAL(18, 2)) AS credit_amount,
         CAST(NULL AS DECIMAL(9, 6)) AS credit_share, s.regular_amount AS allocated_amount, s.regular_amount AS payout_amount,
         CAST(NULL AS DATE) AS collected_date, CAST(NULL AS DATE) AS churn_month, s.period_end AS due_date,
         concat('regular part of ', format_number(s.computed_amount, 2), ' = target ', format_number(s.target_bonus_amount, 2),
                ' x payout factor ', CAST(s.payout_factor AS STRING),
                CASE WHEN s.composite_score IS NULL THEN ' (no composite score)'
                     ELSE concat(' at composite score ', CAST(s.composite_score AS STRING)) END,
                CASE WHEN s.role_target_bonus_amount IS NULL THEN concat(' (the plan has no target bonus for ', s.role, ')') ELSE '' END,
                ', less the deferred ', format_number(s.deferred_amount, 2)) AS reason
  FROM (SELECT *, CAST(computed_amount - deferred_amount AS DECIMAL(18, 2)) AS regular_amount FROM split) s
  UNION ALL
  SELECT d.employee_id, d.period,
         CASE WHEN d.clawback_on_churn AND d.churn_month <= d.release_date THEN 'clawback' ELSE 'deferred_release' END,
         d.opportunity_id, d.account_id, d.close_date, d.credit_amount, d.credit_share, d.allocated_amount,
         CASE WHEN d.clawback_on_churn AND d.churn_month <= d.release_date THEN -d.allocated_amount ELSE d.allocated_amount END,
         d.collected_date, d.churn_month,
         greatest(d.period_end, CASE WHEN d.clawback_on_churn AND d.churn_month <= d.release_date THEN d.churn_month
                                     ELSE d.release_date END),
         CASE WHEN d.clawback_on_churn AND d.churn_month <= d.release_date
                THEN concat('deferred part of deal ', d.opportunity_id, ' clawed back: account ', d.account_id, ' churned in ',
                            date_format(d.churn_month, 'yyyy-MM'), ', before its release')
              WHEN d.collected_date <= d.release_deadline
                THEN concat('deferred part of deal ', d.opportunity_id, ' (', CAST(CAST(d.credit_share * 100 AS DECIMAL(9, 2)) AS STRING),
                            '% of the credit of the quarter) released: its invoices were fully collected on ', CAST(d.collected_date AS STRING))
              ELSE concat('deferred part of deal ', d.opportunity_id, ' (', CAST(CAST(d.credit_share * 100 AS DECIMAL(9, 2)) AS STRING),
                          '% of the credit of the quarter) released at the latest date ', CAST(d.release_deadline AS STRING),
                          ': its invoices were not fully collected by then') END
  FROM deferred_events d
  UNION ALL
  SELECT s.employee_id, s.period, 'deferred_release', NULL, NULL, NULL, NULL, NULL, s.deferred_amount, s.deferred_amount,
         NULL, NULL, s.release_deadline,
         concat('deferred part not allocated (no deal credited in the quarter): released at the latest date ',
                CAST(s.release_deadline AS STRING))
  FROM split s
  WHERE s.deferred_amount > 0
    AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.employee_id = s.employee_id AND a.period = s.period)
)
SELECT concat_ws('|', e.employee_id, e.period, CASE WHEN e.payout_type = 'regular' THEN 'regular' ELSE 'deferred' END,
                 CASE WHEN e.payout_type = 'regular' THEN NULL ELSE coalesce(e.opportunity_id, 'unallocated') END) AS payout_id,
       e.employee_id,
       s.period,
       s.period_start,
       s.period_end,
       s.role,
       s.team_id,
       s.is_team_lead,
       s.composite_score,
       s.role_target_bonus_amount,
       CASE WHEN s.is_team_lead THEN s.bonus_team_lead_multiplier ELSE 1 END AS team_lead_multiplier,
       s.target_bonus_amount,
       s.payout_factor,
       s.computed_amount,
       s.deferred_share,
       CAST(s.computed_amount - s.deferred_amount AS DECIMAL(18, 2)) AS regular_amount,
       s.deferred_amount,
       e.payout_type,
       e.opportunity_id,
       e.account_id,
       e.deal_close_date,
       e.credit_amount,
       e.credit_share,
       e.allocated_amount,
       e.payout_amount,
       s.release_deadline,
       e.collected_date,
       e.churn_month,
       e.due_date,
       concat(year(e.due_date), '-Q', quarter(e.due_date)) AS due_period,
       concat(year(add_months(e.due_date, 3 * ${pay_lag_quarters})), '-Q', quarter(add_months(e.due_date, 3 * ${pay_lag_quarters})))
         AS pay_period,
       add_months(trunc(e.due_date, 'QUARTER'), 3 * ${pay_lag_quarters}) AS pay_period_start,
       CASE WHEN e.due_date <= x.as_of_date THEN 'due' ELSE 'scheduled' END AS event_status,
       e.reason,
       s.currency,
       x.as_of_date,
       s.plan_version,
       s.plan_hash
FROM events e
JOIN split s ON s.employee_id = e.employee_id AND s.period = e.period
CROSS JOIN params x
