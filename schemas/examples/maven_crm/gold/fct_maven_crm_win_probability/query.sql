-- One row per deal: its features when it was engaged (an open deal's at the end of the data), and its
-- outcome, which the fits learn from once its close date has passed.
WITH data_end AS (
  SELECT last_day(greatest(max(engage_date), max(close_date))) AS d FROM fct_maven_crm_deal
),
deals AS (
  SELECT d.*,
         CASE WHEN d.is_closed AND d.engage_date IS NOT NULL THEN d.engage_date ELSE e.d END AS predicted_at
  FROM fct_maven_crm_deal d CROSS JOIN data_end e
),
account_history AS (
  -- the account's deals won and lost before each of its deals was predicted
  SELECT d.opportunity_id,
         count(CASE WHEN p.is_won THEN 1 END) AS account_won_before,
         count(CASE WHEN p.is_lost THEN 1 END) AS account_lost_before
  FROM deals d
  JOIN fct_maven_crm_deal p ON p.account = d.account AND p.is_closed AND p.close_date < d.predicted_at
                           AND p.opportunity_id <> d.opportunity_id
  GROUP BY d.opportunity_id
),
agent_history AS (
  SELECT d.opportunity_id,
         count(CASE WHEN p.is_won THEN 1 END) AS agent_won_before,
         count(*) AS agent_closed_before
  FROM deals d
  JOIN fct_maven_crm_deal p ON p.sales_agent = d.sales_agent AND p.is_closed AND p.close_date < d.predicted_at
                           AND p.opportunity_id <> d.opportunity_id
  GROUP BY d.opportunity_id
)
SELECT d.opportunity_id,
       CASE WHEN d.is_closed AND d.engage_date IS NOT NULL THEN last_day(add_months(d.engage_date, -1)) ELSE e.d END AS as_of_date,
       d.predicted_at,
       d.sales_agent,
       coalesce(d.manager, '(none)') AS manager,
       coalesce(d.regional_office, '(none)') AS regional_office,
       d.product,
       d.account,
       coalesce(a.sector, '(none)') AS sector,
       d.deal_stage,
       d.list_value_amount,
       d.currency_code,
       CAST(ln(1 + coalesce(d.list_value_amount, 0)) AS DOUBLE) AS log_list_price,
       CAST(ln(1 + coalesce(a.revenue, 0)) AS DOUBLE) AS account_log_revenue,
       CAST(ln(1 + coalesce(a.employees, 0)) AS DOUBLE) AS account_log_employees,
       coalesce(h.account_won_before, 0) AS account_won_before,
       coalesce(h.account_lost_before, 0) AS account_lost_before,
       CAST((coalesce(g.agent_won_before, 0) + 1) / (coalesce(g.agent_closed_before, 0) + 2.0) AS DOUBLE) AS agent_win_rate_before,
       CASE WHEN d.is_closed THEN d.is_won END AS is_won,
       CASE WHEN d.is_closed THEN d.is_won END AS label,
       CASE WHEN d.is_closed THEN d.close_date END AS label_date
FROM deals d
CROSS JOIN data_end e
LEFT JOIN stg_maven_crm__accounts a ON a.account = d.account
LEFT JOIN account_history h ON h.opportunity_id = d.opportunity_id
LEFT JOIN agent_history g ON g.opportunity_id = d.opportunity_id
