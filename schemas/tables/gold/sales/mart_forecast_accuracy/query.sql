WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
bounds AS (
  SELECT min(snapshot_date) AS first_month_end FROM fct_pipeline_snapshot WHERE is_month_end
),
months AS (
  -- every month from the one after the first month-end snapshot to the as-of date's
  SELECT explode(sequence(date_add(b.first_month_end, 1), trunc(p.as_of_date, 'MM'), INTERVAL 1 MONTH)) AS month_start
  FROM bounds b CROSS JOIN params p
  WHERE b.first_month_end < p.as_of_date
),
periods AS (
  SELECT 'month' AS period_type, month_start AS period_start, last_day(month_start) AS period_end FROM months
  UNION ALL
  SELECT 'quarter', month_start, last_day(add_months(month_start, 2)) FROM months WHERE month(month_start) IN (1, 4, 7, 10)
),
forecast AS (
  -- the open deals at the month end before the period that were expected to close by its end
  SELECT p.period_type, p.period_start, d.dimension, d.dimension_value,
         sum(s.amount_rpt) AS pipeline_amount_rpt, sum(s.weighted_amount_rpt) AS forecast_amount_rpt, count(*) AS forecast_deal_count,
         sum(s.amount_rpt * CAST(w.p_win AS DECIMAL(12, 10))) AS model_forecast_amount_rpt, count(w.p_win) AS model_scored_count
  FROM periods p
  JOIN fct_pipeline_snapshot s ON s.is_month_end AND s.snapshot_date = date_sub(p.period_start, 1)
                              AND s.expected_close_month <= p.period_end
  JOIN fct_opportunity o ON o.opportunity_id = s.opportunity_id
  LEFT JOIN fct_win_probability w ON w.opportunity_id = s.opportunity_id AND w.as_of_date = s.snapshot_date
  LATERAL VIEW stack(2, 'all', 'all', 'team', o.team_id) d AS dimension, dimension_value
  WHERE d.dimension_value IS NOT NULL
  GROUP BY 1, 2, 3, 4
),
actual AS (
  SELECT p.period_type, p.period_start, d.dimension, d.dimension_value,
         sum(o.amount_rpt) AS bookings_amount_rpt, count(*) AS won_deal_count
  FROM periods p
  JOIN fct_opportunity o ON o.is_won AND o.close_date BETWEEN p.period_start AND p.period_end
  LATERAL VIEW stack(2, 'all', 'all', 'team', o.team_id) d AS dimension, dimension_value
  WHERE d.dimension_value IS NOT NULL
  GROUP BY 1, 2, 3, 4
),
joined AS (
  SELECT coalesce(f.period_type, a.period_type) AS period_type,
         coalesce(f.period_start, a.period_start) AS period_start,
         coalesce(f.dimension, a.dimension) AS dimension,
         coalesce(f.dimension_value, a.dimension_value) AS dimension_value,
         CAST(coalesce(f.pipeline_amount_rpt, 0) AS DECIMAL(18, 2)) AS pipeline_amount_rpt,
         CAST(coalesce(f.forecast_amount_rpt, 0) AS DECIMAL(18, 2)) AS forecast_amount_rpt,
         coalesce(f.forecast_deal_count, 0) AS forecast_deal_count,
         -- the model forecast only where every deal of the forecast has a prediction
         CASE WHEN coalesce(f.model_scored_count, 0) = coalesce(f.forecast_deal_count, 0)
              THEN CAST(coalesce(f.model_forecast_amount_rpt, 0) AS DECIMAL(18, 2)) END AS model_forecast_amount_rpt,
         CAST(coalesce(a.bookings_amount_rpt, 0) AS DECIMAL(18, 2)) AS bookings_amount_rpt,
         coalesce(a.won_deal_count, 0) AS won_deal_count
  FROM forecast f
  FULL OUTER JOIN actual a ON a.period_type = f.period_type AND a.period_start = f.period_start
                          AND a.dimension = f.dimension AND a.dimension_value = f.dimension_value
),
scored AS (
  SELECT j.*, p.period_end, p.period_end <= x.as_of_date AS is_complete,
         CASE WHEN j.period_type = 'month' THEN year(j.period_start) * 12 + month(j.period_start)
              ELSE year(j.period_start) * 4 + quarter(j.period_start) END AS period_index,
         CASE WHEN p.period_end <= x.as_of_date AND j.bookings_amount_rpt > 0
              THEN abs(j.forecast_amount_rpt - j.bookings_amount_rpt) / j.bookings_amount_rpt END AS abs_pct_error,
         CASE WHEN p.period_end <= x.as_of_date THEN j.forecast_amount_rpt - j.bookings_amount_rpt END AS complete_error,
         CASE WHEN p.period_end <= x.as_of_date THEN j.bookings_amount_rpt END AS complete_bookings,
         CASE WHEN p.period_end <= x.as_of_date AND j.bookings_amount_rpt > 0
              THEN abs(j.model_forecast_amount_rpt - j.bookings_amount_rpt) / j.bookings_amount_rpt END AS model_abs_pct_error,
         CASE WHEN p.period_end <= x.as_of_date THEN j.model_forecast_amount_rpt - j.bookings_amount_rpt END AS model_complete_error,
         CASE WHEN p.period_end <= x.as_of_date AND j.model_forecast_amount_rpt IS NOT NULL THEN j.bookings_amount_rpt END
           AS model_complete_bookings
  FROM joined j
  JOIN periods p ON p.period_type = j.period_type AND p.period_start = j.period_start
  CROSS JOIN params x
)
SELECT dimension,
       dimension_value,
       CASE WHEN dimension = 'team' THEN dimension_value END AS team_id,
       period_type,
       period_start,
       CASE WHEN period_type = 'month' THEN date_format(period_start, 'yyyy-MM')
            ELSE concat(year(period_start), '-Q', quarter(period_start)) END AS period,
       is_complete,
       date_sub(period_start, 1) AS forecast_snapshot_date,
       pipeline_amount_rpt,
       forecast_amount_rpt,
       forecast_deal_count,
       bookings_amount_rpt,
       won_deal_count,
       CAST(forecast_amount_rpt - bookings_amount_rpt AS DECIMAL(18, 2)) AS error_amount_rpt,
       CAST(abs(forecast_amount_rpt - bookings_amount_rpt) AS DECIMAL(18, 2)) AS abs_error_amount_rpt,
       CAST((forecast_amount_rpt - bookings_amount_rpt) / nullif(bookings_amount_rpt, 0) AS DECIMAL(10, 4)) AS pct_error,
       CASE WHEN period_type = 'month' THEN count(abs_pct_error) OVER months_window
            ELSE count(abs_pct_error) OVER quarters_window END AS trailing_periods,
       CAST(CASE WHEN period_type = 'month' THEN avg(abs_pct_error) OVER months_window
                 ELSE avg(abs_pct_error) OVER quarters_window END AS DECIMAL(10, 4)) AS trailing_mape,
       CAST(CASE WHEN period_type = 'month' THEN sum(complete_error) OVER months_window / nullif(sum(complete_bookings) OVER months_window, 0)
                 ELSE sum(complete_error) OVER quarters_window / nullif(sum(complete_bookings) OVER quarters_window, 0) END
            AS DECIMAL(10, 4)) AS trailing_bias,
       model_forecast_amount_rpt,
       CAST(model_forecast_amount_rpt - bookings_amount_rpt AS DECIMAL(18, 2)) AS model_error_amount_rpt,
       CAST((model_forecast_amount_rpt - bookings_amount_rpt) / nullif(bookings_amount_rpt, 0) AS DECIMAL(10, 4)) AS model_pct_error,
       CAST(CASE WHEN period_type = 'month' THEN avg(model_abs_pct_error) OVER months_window
                 ELSE avg(model_abs_pct_error) OVER quarters_window END AS DECIMAL(10, 4)) AS model_trailing_mape,
       CAST(CASE WHEN period_type = 'month'
                 THEN sum(model_complete_error) OVER months_window / nullif(sum(model_complete_bookings) OVER months_window, 0)
                 ELSE sum(model_complete_error) OVER quarters_window / nullif(sum(model_complete_bookings) OVER quarters_window, 0) END
            AS DECIMAL(10, 4)) AS model_trailing_bias,
       ${reporting_currency} AS reporting_currency_code
FROM scored
WINDOW months_window AS (PARTITION BY dimension, dimension_value, period_type ORDER BY period_index
                         RANGE BETWEEN ${trailing_months} - 1 PRECEDING AND CURRENT ROW),
       quarters_window AS (PARTITION BY dimension, dimension_value, period_type ORDER BY period_index
                           RANGE BETWEEN ${trailing_quarters} - 1 PRECEDING AND CURRENT ROW)
