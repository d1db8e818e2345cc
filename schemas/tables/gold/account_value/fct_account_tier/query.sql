WITH money AS (
  SELECT account_id, trunc(cost_month, 'MM') AS month, sum(revenue_amount_rpt) AS revenue,
         sum(revenue_amount_rpt - cost_amount_rpt) AS margin
  FROM stg_finance__costs GROUP BY account_id, trunc(cost_month, 'MM')),
acts AS (
  SELECT account_id, trunc(activity_date, 'MM') AS month, max(activity_date) AS last_activity
  FROM stg_crm__activities GROUP BY account_id, trunc(activity_date, 'MM')),
last_month AS (
  -- the last complete month: the month before the day after the latest finance or activity date
  SELECT add_months(trunc(date_add(max(d), 1), 'MM'), -1) AS m FROM (
    SELECT max(cost_month) AS d FROM stg_finance__costs UNION ALL SELECT max(activity_date) FROM stg_crm__activities)),
firsts AS (
  SELECT a.account_id, least(trunc(a.created_date, 'MM'), coalesce(min(m.month), trunc(a.created_date, 'MM'))) AS first_month
  FROM stg_crm__accounts a LEFT JOIN money m ON m.account_id = a.account_id
  GROUP BY a.account_id, a.created_date),
dms AS (
  -- contacts created before the account's first month count from that month
  SELECT c.account_id, greatest(trunc(coalesce(c.created_date, f.first_month), 'MM'), f.first_month) AS month, count(*) AS new_dms
  FROM stg_crm__contacts c JOIN firsts f ON f.account_id = c.account_id
  WHERE c.decision_role = 'decision_maker' AND coalesce(c.is_active, true)
  GROUP BY c.account_id, greatest(trunc(coalesce(c.created_date, f.first_month), 'MM'), f.first_month)),
grid AS (
  SELECT f.account_id, explode(sequence(f.first_month, l.m, INTERVAL 1 MONTH)) AS month
  FROM firsts f CROSS JOIN last_month l WHERE f.first_month <= l.m),
running AS (
  SELECT g.account_id, g.month,
         coalesce(sum(m.revenue) OVER w12, 0) AS revenue_t12m,
         coalesce(sum(m.revenue) OVER wprior, 0) AS revenue_prior_t12m,
         coalesce(sum(m.margin) OVER wall, 0) AS margin_cumulative,
         max(a.last_activity) OVER wall AS last_activity_date,
         coalesce(sum(d.new_dms) OVER wall, 0) AS decision_makers,
         v.clv_3y
  FROM grid g
  LEFT JOIN fct_account_clv v ON v.account_id = g.account_id AND v.as_of_date = last_day(g.month)
  LEFT JOIN money m ON m.account_id = g.account_id AND m.month = g.month
  LEFT JOIN acts a ON a.account_id = g.account_id AND a.month = g.month
  LEFT JOIN dms d ON d.account_id = g.account_id AND d.month = g.month
  WINDOW w12 AS (PARTITION BY g.account_id ORDER BY g.month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW),
         wprior AS (PARTITION BY g.account_id ORDER BY g.month ROWS BETWEEN 23 PRECEDING AND 12 PRECEDING),
         wall AS (PARTITION BY g.account_id ORDER BY g.month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
scored AS (
  SELECT *,
         CAST(CASE WHEN revenue_prior_t12m > 0 THEN (revenue_t12m - revenue_prior_t12m) / revenue_prior_t12m END
              AS DECIMAL(12,4)) AS growth_rate,
         datediff(last_day(month), last_activity_date) AS days_since_activity,
         round(percent_rank() OVER (PARTITION BY month ORDER BY revenue_t12m) * 100, 2) AS revenue_score,
         CASE WHEN '${value_basis}' = 'clv' AND count(clv_3y) OVER (PARTITION BY month) > 0
              THEN round(percent_rank() OVER (PARTITION BY month ORDER BY coalesce(clv_3y, 0)) * 100, 2)
              ELSE round(percent_rank() OVER (PARTITION BY month ORDER BY margin_cumulative) * 100, 2) END AS value_score,
         CASE WHEN '${value_basis}' = 'clv' AND count(clv_3y) OVER (PARTITION BY month) > 0 THEN 'clv' ELSE 'margin' END
           AS value_basis
  FROM running),
components AS (
  SELECT *,
         CAST(50 + 50 * least(1, greatest(-1, coalesce(growth_rate, 0))) AS DECIMAL(5,2)) AS growth_score,
         CAST(least(100, 100 * decision_makers / ${decision_makers_target}) AS DECIMAL(5,2)) AS relationship_score,
         CAST(CASE WHEN days_since_activity IS NULL THEN 0
                   ELSE greatest(0, 100 * (1 - days_since_activity / ${recency_horizon_days})) END AS DECIMAL(5,2))
           AS engagement_score
  FROM scored),
total AS (
  SELECT *, CAST(round(${weight_revenue} * revenue_score + ${weight_growth} * growth_score + ${weight_value} * value_score
                       + ${weight_relationship} * relationship_score + ${weight_engagement} * engagement_score, 2)
                 AS DECIMAL(5,2)) AS tier_score
  FROM components)
SELECT account_id, month, CAST(date_format(month, 'yyyyMMdd') AS INT) AS month_key,
       CASE WHEN tier_score >= ${s_min_score} THEN 'S' WHEN tier_score >= ${a_min_score} THEN 'A' ELSE 'B' END AS tier,
       tier_score,
       CAST(revenue_score AS DECIMAL(5,2)) AS revenue_score, growth_score, CAST(value_score AS DECIMAL(5,2)) AS value_score,
       relationship_score, engagement_score,
       CAST(revenue_t12m AS DECIMAL(18,2)) AS revenue_t12m, CAST(revenue_prior_t12m AS DECIMAL(18,2)) AS revenue_prior_t12m,
       growth_rate, CAST(margin_cumulative AS DECIMAL(18,2)) AS margin_cumulative, value_basis, clv_3y,
       CAST(decision_makers AS INT) AS decision_makers, last_activity_date, days_since_activity,
       lag(CASE WHEN tier_score >= ${s_min_score} THEN 'S' WHEN tier_score >= ${a_min_score} THEN 'A' ELSE 'B' END)
         OVER (PARTITION BY account_id ORDER BY month) AS previous_tier
FROM total
