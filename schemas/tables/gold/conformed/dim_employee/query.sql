WITH delivered AS (
  SELECT employee_id, employee_name, email, role, team_id, manager_employee_id, hire_date, termination_date,
         coalesce(is_team_lead, false) AS is_team_lead,
         coalesce(updated_at, CAST(_drop_date AS TIMESTAMP)) AS v_ts,
         _ingested_at
  FROM raw_crm__employees),
versions AS (
  -- the same version delivered twice counts once (the latest load wins)
  SELECT employee_id, v_ts, max_by(struct(employee_name, email, role, team_id, manager_employee_id, hire_date,
         termination_date, is_team_lead), _ingested_at) AS v
  FROM delivered GROUP BY employee_id, v_ts),
firsts AS (
  SELECT employee_id, min(v_ts) AS first_ts, min_by(v, v_ts) AS first_v FROM versions GROUP BY employee_id),
as_of AS (SELECT CAST(max(_drop_date) + 1 AS TIMESTAMP) AS ts FROM raw_crm__employees),
events AS (
  SELECT v.employee_id, CASE WHEN v.v_ts = f.first_ts THEN least(v.v_ts, CAST(f.first_v.hire_date AS TIMESTAMP))
                             ELSE v.v_ts END AS ts
  FROM versions v JOIN firsts f USING (employee_id)
  UNION
  SELECT f.employee_id, CAST(add_months(f.first_v.hire_date, m) AS TIMESTAMP)
  FROM firsts f CROSS JOIN (SELECT explode(array(${growth_after_months}, ${expert_after_months})) AS m) CROSS JOIN as_of a
  WHERE f.first_v.hire_date IS NOT NULL AND CAST(add_months(f.first_v.hire_date, m) AS TIMESTAMP) < a.ts),
resolved AS (
  -- each event takes the latest version delivered by then (the first one for events before it)
  SELECT e.employee_id, e.ts, coalesce(max_by(v.v, v.v_ts), any_value(f.first_v)) AS v
  FROM events e JOIN firsts f ON f.employee_id = e.employee_id
  LEFT JOIN versions v ON v.employee_id = e.employee_id AND v.v_ts <= e.ts
  GROUP BY e.employee_id, e.ts)
SELECT employee_id, v.employee_name, v.email, v.role, v.team_id, v.manager_employee_id,
       CASE WHEN v.hire_date IS NULL THEN NULL
            WHEN add_months(v.hire_date, ${expert_after_months}) <= to_date(ts) THEN 'expert'
            WHEN add_months(v.hire_date, ${growth_after_months}) <= to_date(ts) THEN 'growth'
            ELSE 'new_hire' END AS career_stage,
       v.hire_date, v.termination_date, v.is_team_lead, ts AS effective_from
FROM resolved
