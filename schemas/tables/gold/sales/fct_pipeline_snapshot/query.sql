WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
history AS (
  SELECT opportunity_id, stage, changed_at, amount, probability, close_date,
         lead(changed_at) OVER (PARTITION BY opportunity_id ORDER BY changed_at, stage) AS next_changed_at
  FROM stg_crm__opportunity_stage_history
),
spells AS (
  -- each open stage a deal held, from the change that entered it to the next change
  SELECT o.opportunity_id, h.stage, h.changed_at AS open_from, h.next_changed_at AS open_until,
         coalesce(h.amount, o.amount) AS amount, coalesce(h.probability, o.probability) AS probability,
         coalesce(h.close_date, o.close_date) AS expected_close_date
  FROM history h JOIN fct_opportunity o ON o.opportunity_id = h.opportunity_id
  WHERE h.stage NOT IN ('closed_won', 'closed_lost')
  UNION ALL
  -- a deal without stage history: open from its creation to its close, in its current stage
  SELECT o.opportunity_id, CASE WHEN NOT o.is_closed THEN o.stage END, CAST(o.created_date AS TIMESTAMP),
         CASE WHEN o.is_closed THEN CAST(o.close_date AS TIMESTAMP) END, o.amount, o.probability,
         o.close_date
  FROM fct_opportunity o
  WHERE NOT EXISTS (SELECT 1 FROM stg_crm__opportunity_stage_history h WHERE h.opportunity_id = o.opportunity_id)
),
bounded AS (
  -- open on day d when it entered the stage by the end of d and had not left it by then
  SELECT s.*, to_date(s.open_from) AS first_day,
         least(p.as_of_date, coalesce(date_sub(to_date(s.open_until), 1), p.as_of_date)) AS last_day_open
  FROM spells s CROSS JOIN params p
),
snapshots AS (
  SELECT b.opportunity_id, b.stage, b.open_from, b.amount, b.probability, b.expected_close_date, d AS snapshot_date
  FROM bounded b
  LATERAL VIEW explode(sequence(b.first_day, b.last_day_open)) days AS d
  WHERE b.first_day <= b.last_day_open
    AND (dayofweek(d) = 1 OR d = last_day(d))
),
owner_at AS (
  SELECT s.opportunity_id, s.snapshot_date, e.employee_key, e.team_id,
         row_number() OVER (PARTITION BY s.opportunity_id, s.snapshot_date
                            ORDER BY CASE WHEN e.valid_from < CAST(date_add(s.snapshot_date, 1) AS TIMESTAMP)
                                           AND (e.valid_to IS NULL OR e.valid_to >= CAST(date_add(s.snapshot_date, 1) AS TIMESTAMP))
                                          THEN 0 ELSE 1 END, e.valid_from) AS pick
  FROM snapshots s
  JOIN fct_opportunity o ON o.opportunity_id = s.opportunity_id
  JOIN dim_employee e ON e.employee_id = o.owner_employee_id
  WHERE e.valid_to IS NULL OR e.valid_to >= CAST(date_add(s.snapshot_date, 1) AS TIMESTAMP)
)
SELECT s.snapshot_date,
       CAST(date_format(s.snapshot_date, 'yyyyMMdd') AS INT) AS snapshot_date_key,
       dayofweek(s.snapshot_date) = 1 AS is_week_end,
       s.snapshot_date = last_day(s.snapshot_date) AS is_month_end,
       s.opportunity_id,
       o.account_id,
       o.owner_employee_id,
       w.employee_key,
       w.team_id,
       o.product_id,
       o.opportunity_type,
       s.stage,
       to_date(s.open_from) AS stage_entered_date,
       datediff(s.snapshot_date, to_date(s.open_from)) AS days_in_stage,
       datediff(s.snapshot_date, o.created_date) AS deal_age_days,
       s.amount,
       o.currency_code,
       CAST(CASE WHEN o.amount = s.amount THEN o.amount_rpt
                 ELSE s.amount * o.amount_rpt / nullif(o.amount, 0) END AS DECIMAL(18,2)) AS amount_rpt,
       ${reporting_currency} AS reporting_currency_code,
       s.probability,
       CAST(CASE WHEN o.amount = s.amount THEN o.amount_rpt
                 ELSE s.amount * o.amount_rpt / nullif(o.amount, 0) END * s.probability AS DECIMAL(18,2)) AS weighted_amount_rpt,
       s.expected_close_date,
       trunc(s.expected_close_date, 'MM') AS expected_close_month
FROM snapshots s
JOIN fct_opportunity o ON o.opportunity_id = s.opportunity_id
LEFT JOIN owner_at w ON w.opportunity_id = s.opportunity_id AND w.snapshot_date = s.snapshot_date AND w.pick = 1
