WITH periods AS (
  SELECT f.*, p.period_type, p.period_start
  FROM fct_service_sla f
  LATERAL VIEW stack(2, 'month', trunc(f.opened_date, 'MM'), 'quarter', trunc(f.opened_date, 'QUARTER')) p
    AS period_type, period_start
),
by_dimension AS (
  SELECT d.dimension, d.dimension_value, p.*
  FROM periods p
  LATERAL VIEW stack(4, 'team', p.team_id, 'employee', p.employee_id, 'tier', p.tier, 'all', 'all') d
    AS dimension, dimension_value
  WHERE d.dimension_value IS NOT NULL
)
SELECT dimension,
       dimension_value,
       CASE dimension WHEN 'team' THEN dimension_value
                      WHEN 'employee' THEN max_by(team_id, struct(opened_date, ticket_id)) END AS team_id,
       period_type,
       period_start,
       CASE WHEN period_type = 'month' THEN date_format(period_start, 'yyyy-MM')
            ELSE concat(year(period_start), '-Q', quarter(period_start)) END AS period,
       count(*) AS tickets,
       count_if(sla_status IN ('met', 'breached', 'open_breached')) AS tickets_due,
       count_if(sla_status = 'met') AS tickets_met,
       count_if(sla_status = 'breached') AS tickets_breached,
       count_if(sla_status = 'open_breached') AS tickets_open_breached,
       count_if(sla_status = 'open') AS tickets_open,
       count_if(sla_status = 'no_sla') AS tickets_without_sla,
       CAST(count_if(sla_status = 'met') / nullif(count_if(sla_status IN ('met', 'breached', 'open_breached')), 0)
            AS DECIMAL(5, 4)) AS compliance_rate,
       CAST(avg(response_hours) AS DECIMAL(10, 2)) AS avg_response_hours,
       CAST(percentile_approx(response_hours, 0.5) AS DECIMAL(10, 2)) AS median_response_hours,
       max(plan_version) AS plan_version,
       max(plan_hash) AS plan_hash
FROM by_dimension
GROUP BY dimension, dimension_value, period_type, period_start
