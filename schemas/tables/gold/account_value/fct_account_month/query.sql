WITH events AS (
  SELECT account_id, activity_date AS d, true AS bounds_data FROM stg_crm__activities
  UNION ALL SELECT account_id, created_date, true FROM fct_opportunity
  UNION ALL SELECT account_id, signed_date, true FROM stg_finance__contracts
  UNION ALL SELECT account_id, start_date, false FROM stg_finance__contracts
  UNION ALL SELECT account_id, invoice_date, true FROM stg_finance__invoices
  UNION ALL SELECT account_id, payment_date, true FROM stg_finance__payments
  UNION ALL SELECT account_id, cost_month, true FROM stg_finance__costs
), last_month AS (
  SELECT trunc(max(d), 'MM') AS last_month FROM events WHERE bounds_data
), spine AS (
  SELECT f.account_id, m AS month, last_day(m) AS month_end, add_months(m, 1) AS next_month
  FROM (SELECT account_id, trunc(min(d), 'MM') AS first_month FROM events WHERE d IS NOT NULL GROUP BY account_id) f
  JOIN stg_crm__accounts a ON a.account_id = f.account_id
  CROSS JOIN last_month l
  LATERAL VIEW explode(sequence(f.first_month, l.last_month, INTERVAL 1 MONTH)) s AS m
  WHERE f.first_month <= l.last_month
), months AS (
  SELECT DISTINCT month, month_end, next_month FROM spine
), bookings AS (
  SELECT account_id, trunc(close_date, 'MM') AS month, count(*) AS won_count, sum(amount_rpt) AS bookings_amount_rpt
  FROM fct_opportunity WHERE is_won GROUP BY 1, 2
), invoiced AS (
  SELECT account_id, trunc(invoice_date, 'MM') AS month, count(*) AS invoice_count, sum(amount_rpt) AS invoiced_amount_rpt
  FROM stg_finance__invoices WHERE coalesce(status, '') <> 'void' GROUP BY 1, 2
), collected AS (
  SELECT account_id, trunc(payment_date, 'MM') AS month, sum(amount_rpt) AS collected_amount_rpt
  FROM stg_finance__payments GROUP BY 1, 2
), paid_by_month AS (
  SELECT p.invoice_id, trunc(p.payment_date, 'MM') AS month,
         sum(CASE WHEN p.currency_code = i.currency_code THEN p.amount
                  ELSE p.amount_rpt * i.amount / nullif(i.amount_rpt, 0) END) AS paid_amount
  FROM stg_finance__payments p JOIN stg_finance__invoices i ON i.invoice_id = p.invoice_id
  GROUP BY 1, 2
), open_invoices AS (
  SELECT i.account_id, m.month,
         (i.amount - coalesce(sum(p.paid_amount), 0)) * i.amount_rpt / nullif(i.amount, 0) AS unpaid_rpt,
         i.due_date < m.month_end AS is_overdue
  FROM stg_finance__invoices i
  JOIN months m ON i.invoice_date <= m.month_end
  LEFT JOIN paid_by_month p ON p.invoice_id = i.invoice_id AND p.month <= m.month
  WHERE coalesce(i.status, '') <> 'void'
  GROUP BY i.account_id, m.month, m.month_end, i.invoice_id, i.amount, i.amount_rpt, i.due_date
), receivables AS (
  SELECT account_id, month, sum(unpaid_rpt) AS receivable_amount_rpt,
         sum(CASE WHEN is_overdue THEN unpaid_rpt ELSE 0 END) AS overdue_amount_rpt
  FROM open_invoices GROUP BY 1, 2
), margin AS (
  SELECT account_id, trunc(cost_month, 'MM') AS month, sum(revenue_amount_rpt) AS revenue_amount_rpt,
         sum(cost_amount_rpt) AS cost_amount_rpt
  FROM stg_finance__costs GROUP BY 1, 2
), history AS (
  SELECT opportunity_id, stage, changed_at, amount, probability,
         lead(changed_at) OVER (PARTITION BY opportunity_id ORDER BY changed_at, stage) AS next_changed_at
  FROM stg_crm__opportunity_stage_history
), open_spells AS (
  SELECT o.account_id, h.changed_at AS open_from, h.next_changed_at AS open_until,
         coalesce(h.amount * o.amount_rpt / nullif(o.amount, 0), o.amount_rpt) AS amount_rpt,
         h.probability
  FROM history h JOIN fct_opportunity o ON o.opportunity_id = h.opportunity_id
  WHERE h.stage NOT IN ('closed_won', 'closed_lost')
  UNION ALL
  SELECT o.account_id, CAST(o.created_date AS TIMESTAMP),
         CASE WHEN o.is_closed THEN CAST(o.close_date AS TIMESTAMP) END, o.amount_rpt, o.probability
  FROM fct_opportunity o
  WHERE NOT EXISTS (SELECT 1 FROM stg_crm__opportunity_stage_history h WHERE h.opportunity_id = o.opportunity_id)
), pipeline AS (
  SELECT s.account_id, m.month, count(*) AS open_opportunity_count, sum(s.amount_rpt) AS open_pipeline_amount_rpt,
         sum(s.amount_rpt * s.probability) AS weighted_pipeline_amount_rpt
  FROM open_spells s
  JOIN months m ON s.open_from < CAST(m.next_month AS TIMESTAMP)
               AND (s.open_until IS NULL OR s.open_until >= CAST(m.next_month AS TIMESTAMP))
  GROUP BY 1, 2
), activity AS (
  SELECT account_id, trunc(activity_date, 'MM') AS month,
         count(*) AS activity_count,
         count_if(activity_type = 'visit') AS visit_count,
         count_if(activity_type = 'call') AS call_count,
         count_if(activity_type = 'meeting') AS meeting_count,
         count_if(activity_type = 'demo') AS demo_count,
         count_if(activity_type = 'proposal') AS proposal_count,
         count_if(activity_type = 'email') AS email_count,
         count_if(activity_type = 'workshop') AS workshop_count
  FROM stg_crm__activities GROUP BY 1, 2
), contacts AS (
  SELECT c.account_id, m.month, count(*) AS active_contact_count,
         count_if(c.decision_role = 'decision_maker') AS decision_maker_count
  FROM stg_crm__contacts c JOIN months m ON c.created_date <= m.month_end
  WHERE coalesce(c.is_active, true)
  GROUP BY 1, 2
), account_version AS (
  SELECT s.account_id, s.month, a.account_key,
         row_number() OVER (PARTITION BY s.account_id, s.month ORDER BY
           CASE WHEN a.valid_from < CAST(s.next_month AS TIMESTAMP)
                     AND (a.valid_to IS NULL OR a.valid_to >= CAST(s.next_month AS TIMESTAMP)) THEN 0 ELSE 1 END,
           a.valid_from) AS rn
  FROM spine s JOIN dim_account a ON a.account_id = s.account_id
), joined AS (
  SELECT s.account_id, v.account_key, s.month,
         CAST(date_format(s.month, 'yyyyMMdd') AS INT) AS month_key,
         coalesce(b.won_count, 0) AS won_count,
         CAST(coalesce(b.bookings_amount_rpt, 0) AS DECIMAL(18,2)) AS bookings_amount_rpt,
         coalesce(i.invoice_count, 0) AS invoice_count,
         CAST(coalesce(i.invoiced_amount_rpt, 0) AS DECIMAL(18,2)) AS invoiced_amount_rpt,
         CAST(coalesce(c.collected_amount_rpt, 0) AS DECIMAL(18,2)) AS collected_amount_rpt,
         CAST(coalesce(r.receivable_amount_rpt, 0) AS DECIMAL(18,2)) AS receivable_amount_rpt,
         CAST(coalesce(r.overdue_amount_rpt, 0) AS DECIMAL(18,2)) AS overdue_amount_rpt,
         CAST(coalesce(g.revenue_amount_rpt, 0) AS DECIMAL(18,2)) AS revenue_amount_rpt,
         CAST(coalesce(g.cost_amount_rpt, 0) AS DECIMAL(18,2)) AS cost_amount_rpt,
         CAST(coalesce(g.revenue_amount_rpt, 0) - coalesce(g.cost_amount_rpt, 0) AS DECIMAL(18,2)) AS gross_margin_amount_rpt,
         coalesce(p.open_opportunity_count, 0) AS open_opportunity_count,
         CAST(coalesce(p.open_pipeline_amount_rpt, 0) AS DECIMAL(18,2)) AS open_pipeline_amount_rpt,
         CAST(coalesce(p.weighted_pipeline_amount_rpt, 0) AS DECIMAL(18,2)) AS weighted_pipeline_amount_rpt,
         coalesce(a.activity_count, 0) AS activity_count,
         coalesce(a.visit_count, 0) AS visit_count,
         coalesce(a.call_count, 0) AS call_count,
         coalesce(a.meeting_count, 0) AS meeting_count,
         coalesce(a.demo_count, 0) AS demo_count,
         coalesce(a.proposal_count, 0) AS proposal_count,
         coalesce(a.email_count, 0) AS email_count,
         coalesce(a.workshop_count, 0) AS workshop_count,
         coalesce(k.active_contact_count, 0) AS active_contact_count,
         coalesce(k.decision_maker_count, 0) AS decision_maker_count
  FROM spine s
  LEFT JOIN account_version v ON v.account_id = s.account_id AND v.month = s.month AND v.rn = 1
  LEFT JOIN bookings b ON b.account_id = s.account_id AND b.month = s.month
  LEFT JOIN invoiced i ON i.account_id = s.account_id AND i.month = s.month
  LEFT JOIN collected c ON c.account_id = s.account_id AND c.month = s.month
  LEFT JOIN receivables r ON r.account_id = s.account_id AND r.month = s.month
  LEFT JOIN margin g ON g.account_id = s.account_id AND g.month = s.month
  LEFT JOIN pipeline p ON p.account_id = s.account_id AND p.month = s.month
  LEFT JOIN activity a ON a.account_id = s.account_id AND a.month = s.month
  LEFT JOIN contacts k ON k.account_id = s.account_id AND k.month = s.month
)
SELECT j.*,
       CAST(CAST(decision_maker_count AS DECIMAL(20,0)) / nullif(active_contact_count, 0) AS DECIMAL(5,4))
         AS decision_maker_coverage,
       CAST(sum(gross_margin_amount_rpt) OVER (PARTITION BY account_id ORDER BY month
         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DECIMAL(18,2)) AS cumulative_gross_margin_amount_rpt,
       CAST(sum(gross_margin_amount_rpt) OVER (PARTITION BY account_id ORDER BY month
         ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS DECIMAL(18,2)) AS trailing_12m_gross_margin_amount_rpt,
       CAST(sum(revenue_amount_rpt) OVER (PARTITION BY account_id ORDER BY month
         ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS DECIMAL(18,2)) AS trailing_12m_revenue_amount_rpt,
       v.clv_3y AS clv_3y_amount_rpt, v.p_alive,
       ${reporting_currency} AS reporting_currency_code
FROM joined j
LEFT JOIN (SELECT account_id AS clv_account_id, as_of_date, clv_3y, p_alive FROM fct_account_clv) v
  ON v.clv_account_id = j.account_id AND v.as_of_date = last_day(j.month)
