WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
tickets AS (
  SELECT t.*, to_date(t.opened_at) AS opened_date, p.as_of_date,
         CAST(date_add(p.as_of_date, 1) AS TIMESTAMP) AS as_of_end_at
  FROM stg_crm__service_tickets t CROSS JOIN params p
  WHERE to_date(t.opened_at) <= p.as_of_date
),
account_at AS (
  SELECT t.ticket_id, a.account_key, a.tier,
         row_number() OVER (PARTITION BY t.ticket_id
                            ORDER BY CASE WHEN t.opened_at >= a.valid_from AND (a.valid_to IS NULL OR t.opened_at < a.valid_to)
                                          THEN 0 ELSE 1 END, a.valid_from) AS pick
  FROM tickets t
  JOIN dim_account a ON a.account_id = t.account_id
  WHERE a.valid_to IS NULL OR t.opened_at < a.valid_to
),
employee_at AS (
  SELECT t.ticket_id, e.employee_key, e.team_id,
         row_number() OVER (PARTITION BY t.ticket_id
                            ORDER BY CASE WHEN t.opened_at >= e.valid_from AND (e.valid_to IS NULL OR t.opened_at < e.valid_to)
                                          THEN 0 ELSE 1 END, e.valid_from) AS pick
  FROM tickets t
  JOIN dim_employee e ON e.employee_id = t.assigned_employee_id
  WHERE e.valid_to IS NULL OR t.opened_at < e.valid_to
),
plans AS (
  SELECT DISTINCT plan_version, plan_hash, effective_from, effective_to FROM cfg_service_sla
),
ruled AS (
  SELECT t.*, a.account_key, a.tier, e.employee_key, e.team_id,
         p.plan_version, p.plan_hash, s.response_hours AS rule_hours, s.response_business_days AS rule_business_days
  FROM tickets t
  LEFT JOIN account_at a ON a.ticket_id = t.ticket_id AND a.pick = 1
  LEFT JOIN employee_at e ON e.ticket_id = t.ticket_id AND e.pick = 1
  LEFT JOIN plans p ON t.opened_date BETWEEN p.effective_from AND p.effective_to
  LEFT JOIN cfg_service_sla s ON s.plan_version = p.plan_version AND s.tier = a.tier
),
timed AS (
  SELECT r.*,
         CASE WHEN r.rule_hours IS NOT NULL
                THEN timestampadd(SECOND, CAST(r.rule_hours * 3600 AS BIGINT), r.opened_at)
              WHEN r.rule_business_days IS NOT NULL THEN CAST(date_add(b.date, 1) AS TIMESTAMP) END AS deadline_at,
         CASE WHEN r.first_response_at < r.as_of_end_at THEN r.first_response_at END AS responded_at,
         o.business_day_number AS opened_day_n, rd.business_day_number AS response_day_n
  FROM ruled r
  LEFT JOIN dim_date o ON o.date = r.opened_date
  LEFT JOIN dim_date b ON b.is_business_day AND b.business_day_number = o.business_day_number + r.rule_business_days
  LEFT JOIN dim_date rd ON rd.date = to_date(r.first_response_at)
),
classified AS (
  SELECT t.*,
         CASE WHEN t.deadline_at IS NULL THEN 'no_sla'
              WHEN t.responded_at IS NOT NULL AND t.responded_at <= t.deadline_at THEN 'met'
              WHEN t.responded_at IS NOT NULL THEN 'breached'
              WHEN t.deadline_at < t.as_of_end_at THEN 'open_breached'
              ELSE 'open' END AS sla_status
  FROM timed t
)
SELECT ticket_id,
       account_id,
       account_key,
       tier,
       assigned_employee_id AS employee_id,
       employee_key,
       team_id,
       priority,
       category,
       opened_at,
       opened_date,
       CAST(date_format(opened_date, 'yyyyMMdd') AS INT) AS opened_date_key,
       trunc(opened_date, 'MM') AS opened_month,
       first_response_at,
       resolved_at,
       status AS ticket_status,
       CASE WHEN rule_hours IS NOT NULL THEN 'hours' WHEN rule_business_days IS NOT NULL THEN 'business_days' END
         AS sla_basis,
       rule_hours AS sla_hours,
       rule_business_days AS sla_business_days,
       deadline_at,
       CAST((unix_micros(responded_at) - unix_micros(opened_at)) / 3600000000.0 AS DECIMAL(10, 2)) AS response_hours,
       CASE WHEN responded_at IS NOT NULL THEN CAST(response_day_n - opened_day_n AS INT) END AS response_business_days,
       sla_status,
       CASE sla_status WHEN 'met' THEN true WHEN 'breached' THEN false WHEN 'open_breached' THEN false END AS within_sla,
       sla_status IN ('breached', 'open_breached') AS is_breached,
       as_of_date,
       plan_version,
       plan_hash
FROM classified
