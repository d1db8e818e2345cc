WITH starts AS (
  SELECT account_id, cohort_month, coalesce(${cohort_tier}, 'unknown') AS tier, mrr_amount AS starting_mrr_amount
  FROM fct_account_revenue_month
  WHERE month = cohort_month
),
last_month AS (
  SELECT max(month) AS as_of_month FROM fct_account_revenue_month
),
offsets AS (
  SELECT s.*, o.period_offset, add_months(s.cohort_month, o.period_offset) AS month
  FROM starts s CROSS JOIN last_month l
  LATERAL VIEW explode(sequence(0, CAST(months_between(l.as_of_month, s.cohort_month) AS INT))) o AS period_offset
),
account_periods AS (
  SELECT o.cohort_month, o.tier, o.period_offset, o.month, o.account_id, o.starting_mrr_amount,
         coalesce(r.mrr_amount, CAST(0 AS DECIMAL(18, 2))) AS mrr_amount
  FROM offsets o
  LEFT JOIN fct_account_revenue_month r ON r.account_id = o.account_id AND r.month = o.month
),
cohorts AS (
  SELECT cohort_month, tier, period_offset, month,
         count(*) AS accounts_at_start,
         count_if(mrr_amount > 0) AS accounts_retained,
         CAST(sum(starting_mrr_amount) AS DECIMAL(18, 2)) AS starting_mrr_amount,
         CAST(sum(least(mrr_amount, starting_mrr_amount)) AS DECIMAL(18, 2)) AS retained_mrr_capped_amount,
         CAST(sum(mrr_amount) AS DECIMAL(18, 2)) AS retained_mrr_amount
  FROM account_periods
  GROUP BY cohort_month, tier, period_offset, month
)
SELECT cohort_month, tier, '${cohort_tier}' AS tier_basis, period_offset, month,
       accounts_at_start, accounts_retained,
       CAST(accounts_retained / accounts_at_start AS DECIMAL(9, 4)) AS logo_retention,
       starting_mrr_amount, retained_mrr_capped_amount, retained_mrr_amount,
       CAST(CASE WHEN starting_mrr_amount > 0 THEN retained_mrr_capped_amount / starting_mrr_amount END AS DECIMAL(9, 4))
         AS gross_revenue_retention,
       CAST(CASE WHEN starting_mrr_amount > 0 THEN retained_mrr_amount / starting_mrr_amount END AS DECIMAL(9, 4))
         AS net_revenue_retention,
       ${reporting_currency} AS currency_code
FROM cohorts
