WITH closed AS (
  SELECT o.opportunity_id, o.close_date, o.is_won, o.amount_rpt, o.days_to_close, o.team_id, o.owner_employee_id,
         o.product_id, a.tier, a.region,
         CASE WHEN months_between(o.created_date, e.hire_date) < 6 THEN '0-5 months'
              WHEN months_between(o.created_date, e.hire_date) < 12 THEN '6-11 months'
              WHEN months_between(o.created_date, e.hire_date) < 24 THEN '12-23 months'
              WHEN e.hire_date IS NOT NULL THEN '24+ months' END AS tenure
  FROM fct_opportunity o
  LEFT JOIN dim_account a ON a.account_key = o.account_key
  LEFT JOIN dim_employee e ON e.employee_key = o.employee_key
  WHERE o.is_closed AND o.close_date IS NOT NULL
),
periods AS (
  SELECT c.*, p.period_type, p.period_start
  FROM closed c
  LATERAL VIEW stack(3, 'month', trunc(c.close_date, 'MM'), 'quarter', trunc(c.close_date, 'QUARTER'),
                        'year', trunc(c.close_date, 'YEAR')) p AS period_type, period_start
),
by_dimension AS (
  SELECT d.dimension, d.dimension_value, p.*
  FROM periods p
  LATERAL VIEW stack(7, 'all', 'all', 'team', p.team_id, 'owner', p.owner_employee_id, 'tier', p.tier,
                        'product', p.product_id, 'region', p.region, 'tenure', p.tenure) d AS dimension, dimension_value
  WHERE d.dimension_value IS NOT NULL
)
SELECT dimension,
       dimension_value,
       CASE dimension WHEN 'team' THEN dimension_value
                      WHEN 'owner' THEN max_by(team_id, struct(close_date, opportunity_id)) END AS team_id,
       period_type,
       period_start,
       CASE period_type WHEN 'month' THEN date_format(period_start, 'yyyy-MM')
                        WHEN 'quarter' THEN concat(year(period_start), '-Q', quarter(period_start))
                        ELSE CAST(year(period_start) AS STRING) END AS period,
       count_if(is_won) AS won_count,
       count_if(NOT is_won) AS lost_count,
       count(*) AS closed_count,
       CAST(count_if(is_won) / count(*) AS DECIMAL(5, 4)) AS win_rate,
       CAST(coalesce(sum(CASE WHEN is_won THEN amount_rpt END), 0) AS DECIMAL(18, 2)) AS won_amount_rpt,
       CAST(coalesce(sum(CASE WHEN NOT is_won THEN amount_rpt END), 0) AS DECIMAL(18, 2)) AS lost_amount_rpt,
       CAST(coalesce(sum(CASE WHEN is_won THEN amount_rpt END), 0) / nullif(sum(amount_rpt), 0) AS DECIMAL(5, 4)) AS win_rate_by_amount,
       CAST(avg(CASE WHEN is_won THEN amount_rpt END) AS DECIMAL(18, 2)) AS avg_won_amount_rpt,
       CAST(percentile(CASE WHEN is_won THEN days_to_close END, 0.5) AS DECIMAL(8, 1)) AS median_won_cycle_days,
       CAST(percentile(CASE WHEN is_won THEN days_to_close END, 0.9) AS DECIMAL(8, 1)) AS p90_won_cycle_days,
       ${reporting_currency} AS reporting_currency_code
FROM by_dimension
GROUP BY dimension, dimension_value, period_type, period_start
