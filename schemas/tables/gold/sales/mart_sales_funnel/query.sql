WITH stages AS (
  SELECT * FROM VALUES ('prospecting', 1), ('qualification', 2), ('needs_analysis', 3), ('proposal', 4),
                       ('negotiation', 5), ('closed_won', 6) AS s(stage, stage_order)
),
history AS (
  SELECT h.opportunity_id, h.stage, h.changed_at,
         lead(h.changed_at) OVER (PARTITION BY h.opportunity_id ORDER BY h.changed_at, h.stage) AS left_at
  FROM stg_crm__opportunity_stage_history h
),
reached AS (
  -- the furthest open stage each deal's history shows
  SELECT h.opportunity_id, max(s.stage_order) AS stage_order
  FROM history h JOIN stages s ON s.stage = h.stage AND s.stage_order < 6
  GROUP BY h.opportunity_id
),
time_in_stage AS (
  -- days a deal spent in a stage, over every spell in it; only once it has left the stage
  SELECT opportunity_id, stage, sum(datediff(to_date(left_at), to_date(changed_at))) AS days_in_stage
  FROM history
  WHERE stage NOT IN ('closed_won', 'closed_lost')
  GROUP BY opportunity_id, stage
  HAVING count_if(left_at IS NULL) = 0
),
deals AS (
  SELECT o.opportunity_id, o.created_date, o.team_id, o.owner_employee_id, o.product_id, a.tier, a.region,
         CASE WHEN o.is_won THEN 'won' WHEN o.is_closed THEN 'lost' ELSE 'open' END AS outcome,
         CASE WHEN o.is_won THEN 6
              ELSE greatest(coalesce(r.stage_order, 1), coalesce(cs.stage_order, 1)) END AS furthest_order
  FROM fct_opportunity o
  LEFT JOIN dim_account a ON a.account_key = o.account_key
  LEFT JOIN reached r ON r.opportunity_id = o.opportunity_id
  LEFT JOIN stages cs ON cs.stage = o.stage AND NOT o.is_closed
),
deal_stages AS (
  -- every stage a deal reached or passed
  SELECT d.*, s.stage, s.stage_order, t.days_in_stage
  FROM deals d
  JOIN stages s ON s.stage_order <= d.furthest_order
  LEFT JOIN time_in_stage t ON t.opportunity_id = d.opportunity_id AND t.stage = s.stage
),
periods AS (
  SELECT x.*, p.period_type, p.period_start
  FROM deal_stages x
  LATERAL VIEW stack(3, 'month', trunc(x.created_date, 'MM'), 'quarter', trunc(x.created_date, 'QUARTER'),
                        'year', trunc(x.created_date, 'YEAR')) p AS period_type, period_start
),
by_dimension AS (
  SELECT d.dimension, d.dimension_value, p.*
  FROM periods p
  LATERAL VIEW stack(6, 'all', 'all', 'team', p.team_id, 'owner', p.owner_employee_id, 'tier', p.tier,
                        'product', p.product_id, 'region', p.region) d AS dimension, dimension_value
  WHERE d.dimension_value IS NOT NULL
)
SELECT dimension,
       dimension_value,
       CASE dimension WHEN 'team' THEN dimension_value
                      WHEN 'owner' THEN max_by(team_id, struct(created_date, opportunity_id)) END AS team_id,
       period_type,
       period_start,
       CASE period_type WHEN 'month' THEN date_format(period_start, 'yyyy-MM')
                        WHEN 'quarter' THEN concat(year(period_start), '-Q', quarter(period_start))
                        ELSE CAST(year(period_start) AS STRING) END AS period,
       stage,
       stage_order,
       count(*) AS entered_count,
       count_if(furthest_order > stage_order) AS moved_on_count,
       count_if(furthest_order = stage_order AND outcome = 'lost') AS lost_count,
       count_if(furthest_order = stage_order AND outcome = 'open') AS open_count,
       count_if(outcome = 'won') AS won_count,
       CASE WHEN stage <> 'closed_won'
            THEN CAST(count_if(furthest_order > stage_order) / count(*) AS DECIMAL(5, 4)) END AS conversion_to_next,
       CAST(count_if(outcome = 'won') / count(*) AS DECIMAL(5, 4)) AS conversion_to_won,
       count(days_in_stage) AS timed_count,
       CAST(percentile(days_in_stage, 0.5) AS DECIMAL(8, 1)) AS median_days_in_stage,
       CAST(percentile(days_in_stage, 0.9) AS DECIMAL(8, 1)) AS p90_days_in_stage
FROM by_dimension
GROUP BY dimension, dimension_value, period_type, period_start, stage, stage_order
