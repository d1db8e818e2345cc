WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
-- months of service one invoice bills: its amount over a twelfth of the annual value
invoiced_through AS (
  SELECT i.contract_id,
         max(date_sub(add_months(i.invoice_date,
             greatest(1, cast(round(i.amount * 12 / c.annual_value_amount) AS INT))), 1)) AS invoiced_through_date
  FROM stg_finance__invoices i
  JOIN stg_finance__contracts c ON c.contract_id = i.contract_id
  WHERE coalesce(i.status, '') <> 'void' AND c.annual_value_amount > 0
  GROUP BY i.contract_id
),
contracts AS (
  SELECT c.contract_id, c.account_id, c.start_date, c.annual_value_amount_rpt,
         CASE WHEN c.status = 'terminated'
              THEN least(c.end_date, coalesce(t.invoiced_through_date, date_sub(c.start_date, 1)))
              ELSE c.end_date END AS effective_end_date
  FROM stg_finance__contracts c
  LEFT JOIN invoiced_through t ON t.contract_id = c.contract_id
),
first_months AS (
  SELECT c.account_id, trunc(min(c.start_date), 'MM') AS first_month, p.as_of_date
  FROM contracts c CROSS JOIN params p
  WHERE c.start_date <= p.as_of_date AND c.effective_end_date >= c.start_date
  GROUP BY c.account_id, p.as_of_date
),
account_months AS (
  SELECT f.account_id, m.month, least(last_day(m.month), f.as_of_date) AS snapshot_date
  FROM first_months f
  LATERAL VIEW explode(sequence(f.first_month, trunc(f.as_of_date, 'MM'), INTERVAL 1 MONTH)) m AS month
),
mrr AS (
  SELECT am.account_id, am.month, am.snapshot_date,
         count(c.contract_id) AS active_contracts,
         CAST(coalesce(sum(c.annual_value_amount_rpt), 0) / 12 AS DECIMAL(18, 2)) AS mrr_amount
  FROM account_months am
  LEFT JOIN contracts c
    ON c.account_id = am.account_id
   AND c.start_date <= am.snapshot_date AND c.effective_end_date >= am.snapshot_date
  GROUP BY am.account_id, am.month, am.snapshot_date
),
sequenced AS (
  SELECT m.*,
         coalesce(lag(mrr_amount) OVER (PARTITION BY account_id ORDER BY month), CAST(0 AS DECIMAL(18, 2)))
           AS previous_mrr_amount,
         coalesce(max(CASE WHEN mrr_amount > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY account_id ORDER BY month
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) = 1 AS had_revenue_before,
         min(CASE WHEN mrr_amount > 0 THEN month END) OVER (PARTITION BY account_id) AS first_revenue_month
  FROM mrr m
),
classified AS (
  SELECT s.*,
         CASE WHEN previous_mrr_amount = 0 AND mrr_amount > 0 AND NOT had_revenue_before THEN 'new'
              WHEN previous_mrr_amount = 0 AND mrr_amount > 0 THEN 'reactivation'
              WHEN previous_mrr_amount > 0 AND mrr_amount = 0 THEN 'churn'
              WHEN mrr_amount > previous_mrr_amount THEN 'expansion'
              WHEN mrr_amount < previous_mrr_amount THEN 'contraction'
              ELSE 'unchanged' END AS movement_type
  FROM sequenced s
  WHERE s.mrr_amount > 0 OR s.previous_mrr_amount > 0
),
-- the account's dim_account version on the snapshot date (its first version when the month predates it)
first_versions AS (
  SELECT account_id, min_by(struct(account_key, tier, crm_tier), valid_from) AS v FROM dim_account GROUP BY account_id
)
SELECT c.account_id,
       coalesce(d.account_key, f.v.account_key) AS account_key,
       c.month,
       CAST(date_format(c.month, 'yyyyMMdd') AS INT) AS month_key,
       c.snapshot_date,
       coalesce(d.tier, f.v.tier) AS tier,
       coalesce(d.crm_tier, f.v.crm_tier) AS crm_tier,
       c.first_revenue_month AS cohort_month,
       c.active_contracts,
       c.previous_mrr_amount,
       c.mrr_amount,
       c.movement_type,
       CAST(CASE WHEN movement_type = 'new' THEN mrr_amount ELSE 0 END AS DECIMAL(18, 2)) AS new_mrr_amount,
       CAST(CASE WHEN movement_type = 'expansion' THEN mrr_amount - previous_mrr_amount ELSE 0 END AS DECIMAL(18, 2))
         AS expansion_mrr_amount,
       CAST(CASE WHEN movement_type = 'contraction' THEN mrr_amount - previous_mrr_amount ELSE 0 END AS DECIMAL(18, 2))
         AS contraction_mrr_amount,
       CAST(CASE WHEN movement_type = 'churn' THEN -previous_mrr_amount ELSE 0 END AS DECIMAL(18, 2)) AS churn_mrr_amount,
       CAST(CASE WHEN movement_type = 'reactivation' THEN mrr_amount ELSE 0 END AS DECIMAL(18, 2)) AS reactivation_mrr_amount,
       CAST(mrr_amount - previous_mrr_amount AS DECIMAL(18, 2)) AS net_change_mrr_amount,
       ${reporting_currency} AS currency_code
FROM classified c
LEFT JOIN dim_account d
  ON d.account_id = c.account_id
 AND CAST(c.snapshot_date AS TIMESTAMP) >= d.valid_from
 AND (d.valid_to IS NULL OR CAST(c.snapshot_date AS TIMESTAMP) < d.valid_to)
LEFT JOIN first_versions f ON f.account_id = c.account_id
