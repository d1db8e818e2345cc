WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
targets AS (
  SELECT * FROM fct_target WHERE metric = 'bookings'
),
credits AS (
  -- deal credit known by the as-of date, once for the company, the credited person's team at the close and the person
  SELECT k.level, k.entity_id, c.close_date, c.credit_amount
  FROM fct_deal_credit c CROSS JOIN params p
  LATERAL VIEW stack(3, 'company', 'company', 'team', c.team_id, 'employee', c.employee_id) k AS level, entity_id
  WHERE c.close_date <= p.as_of_date
),
actual AS (
  SELECT t.level, t.entity_id, t.period_type, t.period_start, sum(c.credit_amount) AS actual_amount
  FROM targets t
  JOIN credits c ON c.level = t.level AND c.entity_id = t.entity_id AND c.close_date BETWEEN t.period_start AND t.period_end
  GROUP BY 1, 2, 3, 4
),
open_deals AS (
  -- the open deals, once for the company, the owner's team at the deal's creation and the owner
  SELECT k.level, k.entity_id, o.close_date, o.weighted_amount_rpt
  FROM fct_opportunity o
  LATERAL VIEW stack(3, 'company', 'company', 'team', o.team_id, 'employee', o.owner_employee_id) k AS level, entity_id
  WHERE NOT o.is_closed AND o.weighted_amount_rpt IS NOT NULL
),
pipeline AS (
  -- the open deals expected to close by the end of a period not over yet (overdue ones included)
  SELECT t.level, t.entity_id, t.period_type, t.period_start, sum(o.weighted_amount_rpt) AS pipeline
  FROM targets t CROSS JOIN params p
  JOIN open_deals o ON o.level = t.level AND o.entity_id = t.entity_id AND o.close_date <= t.period_end
  WHERE t.period_end > p.as_of_date
  GROUP BY 1, 2, 3, 4
),
days AS (
  SELECT t.period_start, t.period_end, count_if(d.is_business_day) AS business_days,
         count_if(d.is_business_day AND d.date <= p.as_of_date) AS elapsed_business_days
  FROM (SELECT DISTINCT period_start, period_end FROM targets) t
  CROSS JOIN params p
  JOIN dim_date d ON d.date BETWEEN t.period_start AND t.period_end
  GROUP BY 1, 2
),
measured AS (
  SELECT t.level, t.entity_id, t.team_id, t.period_type, t.period_start, t.period_end, t.period, t.target_amount,
         CAST(coalesce(a.actual_amount, 0) AS DECIMAL(18, 2)) AS actual_amount,
         coalesce(d.business_days, 0) AS business_days, coalesce(d.elapsed_business_days, 0) AS elapsed_business_days,
         CASE WHEN t.period_end <= p.as_of_date THEN 'complete' WHEN t.period_start > p.as_of_date THEN 'future'
              ELSE 'in_progress' END AS status,
         CASE WHEN t.period_end > p.as_of_date THEN CAST(coalesce(l.pipeline, 0) AS DECIMAL(18, 2)) END AS open_weighted_pipeline_amount,
         t.currency, t.plan_version, t.plan_hash
  FROM targets t
  CROSS JOIN params p
  LEFT JOIN actual a ON a.level = t.level AND a.entity_id = t.entity_id AND a.period_type = t.period_type AND a.period_start = t.period_start
  LEFT JOIN pipeline l ON l.level = t.level AND l.entity_id = t.entity_id AND l.period_type = t.period_type AND l.period_start = t.period_start
  LEFT JOIN days d ON d.period_start = t.period_start AND d.period_end = t.period_end
)
SELECT level,
       entity_id,
       team_id,
       period_type,
       period_start,
       period_end,
       period,
       status,
       target_amount,
       actual_amount,
       CAST(actual_amount / nullif(target_amount, 0) AS DECIMAL(10, 4)) AS attainment,
       business_days,
       elapsed_business_days,
       CAST(elapsed_business_days / nullif(business_days, 0) AS DECIMAL(7, 4)) AS elapsed_share,
       CAST(target_amount * elapsed_business_days / nullif(business_days, 0) AS DECIMAL(18, 2)) AS expected_to_date_amount,
       CAST(actual_amount / nullif(target_amount * elapsed_business_days / nullif(business_days, 0), 0) AS DECIMAL(10, 4)) AS pacing,
       CAST(greatest(target_amount - actual_amount, 0) AS DECIMAL(18, 2)) AS gap_left_amount,
       open_weighted_pipeline_amount,
       CAST(open_weighted_pipeline_amount / nullif(greatest(target_amount - actual_amount, 0), 0) AS DECIMAL(10, 4)) AS coverage_ratio,
       currency,
       plan_version,
       plan_hash
FROM measured
