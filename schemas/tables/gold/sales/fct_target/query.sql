WITH plan_months AS (
  -- the months of each year a plan sets a target for, within its effective period
  SELECT p.plan_version, p.plan_hash, p.currency, p.metric, p.year, p.team_share_basis, p.member_share_basis, p.gap_tolerance,
         greatest(p.effective_from, make_date(p.year, 1, 1)) AS year_start, least(p.effective_to, make_date(p.year, 12, 31)) AS year_end,
         p.target_amount * 100 AS annual_cents, p.m AS month_start, s.weight
  FROM (SELECT *, explode(sequence(trunc(greatest(effective_from, make_date(year, 1, 1)), 'MM'),
                                   trunc(least(effective_to, make_date(year, 12, 31)), 'MM'), INTERVAL 1 MONTH)) AS m
        FROM cfg_target) p
  JOIN cfg_target_seasonality s ON s.plan_version = p.plan_version AND s.month_number = month(p.m)
),
company_month AS (
  -- the year's target times each month's weight, in cents by the largest remainder: the months add up to
  -- the year's target exactly (to its weighted part when the plan covers part of the year)
  SELECT plan_version, month_start,
         CAST(floor(annual_cents * weight) + CASE WHEN row_number() OVER (PARTITION BY plan_version, year
                ORDER BY annual_cents * weight - floor(annual_cents * weight) DESC, month_start)
              <= round(sum(annual_cents * weight) OVER (PARTITION BY plan_version, year))
                 - sum(floor(annual_cents * weight)) OVER (PARTITION BY plan_version, year) THEN 1 ELSE 0 END AS BIGINT) AS cents
  FROM plan_months
),
quotas AS (
  SELECT employee_id, trunc(period_month, 'MM') AS month_start, sum(target_value_rpt) AS quota
  FROM stg_crm__targets
  WHERE metric = 'bookings' AND target_value_rpt IS NOT NULL
  GROUP BY 1, 2
),
quota_team AS (
  -- a quota's team: the member's team at the month's start (their earliest version when the month predates it)
  SELECT q.*, pm.plan_version, pm.year, e.team_id,
         row_number() OVER (PARTITION BY q.employee_id, q.month_start
                            ORDER BY CASE WHEN e.valid_from <= CAST(q.month_start AS TIMESTAMP)
                                           AND (e.valid_to IS NULL OR CAST(q.month_start AS TIMESTAMP) < e.valid_to)
                                          THEN 0 ELSE 1 END, e.valid_from) AS pick
  FROM quotas q
  JOIN plan_months pm ON pm.month_start = q.month_start
  JOIN dim_employee e ON e.employee_id = q.employee_id
  WHERE e.valid_to IS NULL OR CAST(q.month_start AS TIMESTAMP) < e.valid_to
),
members AS (
  SELECT plan_version, year, month_start, employee_id, team_id, quota FROM quota_team WHERE pick = 1 AND team_id IS NOT NULL
),
team_shares AS (
  -- a team's share of a plan's year: its members' quotas of the year, or an equal share
  SELECT t.plan_version, t.year, t.team_id,
         CASE WHEN any_value(pm.team_share_basis) = 'quota' AND sum(sum(t.quota)) OVER (PARTITION BY t.plan_version, t.year) > 0
              THEN sum(t.quota) / sum(sum(t.quota)) OVER (PARTITION BY t.plan_version, t.year)
              ELSE 1.0 / count(*) OVER (PARTITION BY t.plan_version, t.year) END AS share
  FROM members t
  JOIN (SELECT DISTINCT plan_version, team_share_basis FROM plan_months) pm ON pm.plan_version = t.plan_version
  GROUP BY t.plan_version, t.year, t.team_id
),
team_raw AS (
  SELECT c.plan_version, c.month_start, s.team_id, c.cents AS parent_cents, c.cents * s.share AS raw
  FROM company_month c JOIN team_shares s ON s.plan_version = c.plan_version AND s.year = year(c.month_start)
),
team_month AS (
  SELECT plan_version, month_start, team_id,
         CAST(floor(raw) + CASE WHEN row_number() OVER (PARTITION BY plan_version, month_start ORDER BY raw - floor(raw) DESC, team_id)
              <= parent_cents - sum(floor(raw)) OVER (PARTITION BY plan_version, month_start) THEN 1 ELSE 0 END AS BIGINT) AS cents
  FROM team_raw
),
member_raw AS (
  -- a member's share of the team's month: their part of the team's quotas that month, or an equal share
  SELECT t.plan_version, t.month_start, t.team_id, m.employee_id, t.cents AS parent_cents,
         t.cents * CASE WHEN pm.member_share_basis = 'quota' AND sum(m.quota) OVER (PARTITION BY t.plan_version, t.month_start, t.team_id) > 0
                        THEN m.quota / sum(m.quota) OVER (PARTITION BY t.plan_version, t.month_start, t.team_id)
                        ELSE 1.0 / count(*) OVER (PARTITION BY t.plan_version, t.month_start, t.team_id) END AS raw
  FROM team_month t
  JOIN members m ON m.plan_version = t.plan_version AND m.month_start = t.month_start AND m.team_id = t.team_id
  JOIN (SELECT DISTINCT plan_version, member_share_basis FROM plan_months) pm ON pm.plan_version = t.plan_version
),
member_month AS (
  SELECT plan_version, month_start, team_id, employee_id,
         CAST(floor(raw) + CASE WHEN row_number() OVER (PARTITION BY plan_version, month_start, team_id ORDER BY raw - floor(raw) DESC, employee_id)
              <= parent_cents - sum(floor(raw)) OVER (PARTITION BY plan_version, month_start, team_id) THEN 1 ELSE 0 END AS BIGINT) AS cents
  FROM member_raw
),
quota_sums AS (
  SELECT plan_version, month_start, team_id, sum(quota) AS quota
  FROM members
  GROUP BY GROUPING SETS ((plan_version, month_start), (plan_version, month_start, team_id))
),
months AS (
  -- every level's month: its target and the quotas under it
  SELECT c.plan_version, 'company' AS level, 'company' AS entity_id, CAST(NULL AS STRING) AS team_id, c.month_start, c.cents, q.quota
  FROM company_month c
  LEFT JOIN quota_sums q ON q.plan_version = c.plan_version AND q.month_start = c.month_start AND q.team_id IS NULL
  UNION ALL
  SELECT t.plan_version, 'team', t.team_id, t.team_id, t.month_start, t.cents, q.quota
  FROM team_month t
  LEFT JOIN quota_sums q ON q.plan_version = t.plan_version AND q.month_start = t.month_start AND q.team_id = t.team_id
  UNION ALL
  SELECT e.plan_version, 'employee', e.employee_id, e.team_id, e.month_start, e.cents, m.quota
  FROM member_month e
  JOIN members m ON m.plan_version = e.plan_version AND m.month_start = e.month_start AND m.employee_id = e.employee_id
),
month_weeks AS (
  -- a month's weeks (Monday to Sunday, cut at the month's edges) and their business days
  SELECT trunc(date, 'MM') AS month_start, date_trunc('WEEK', date) AS week, min(date) AS week_start, max(date) AS week_end,
         count_if(is_business_day) AS business_days
  FROM dim_date
  GROUP BY 1, 2
),
week_raw AS (
  SELECT m.plan_version, m.level, m.entity_id, m.team_id, m.month_start, w.week_start, w.week_end, m.cents AS parent_cents,
         m.cents * w.business_days / sum(w.business_days) OVER (PARTITION BY m.plan_version, m.level, m.entity_id, m.month_start) AS raw
  FROM months m JOIN month_weeks w ON w.month_start = m.month_start
),
weeks AS (
  SELECT plan_version, level, entity_id, team_id, week_start, week_end,
         CAST(floor(raw) + CASE WHEN row_number() OVER (PARTITION BY plan_version, level, entity_id, month_start ORDER BY raw - floor(raw) DESC, week_start)
              <= parent_cents - sum(floor(raw)) OVER (PARTITION BY plan_version, level, entity_id, month_start) THEN 1 ELSE 0 END AS BIGINT) AS cents
  FROM week_raw
),
periods AS (
  SELECT plan_version, level, entity_id, 'month' AS period_type, month_start AS period_start, last_day(month_start) AS period_end,
         team_id, cents, quota
  FROM months
  UNION ALL
  SELECT m.plan_version, m.level, m.entity_id, 'quarter', trunc(m.month_start, 'QUARTER'),
         last_day(add_months(trunc(m.month_start, 'QUARTER'), 2)), max_by(m.team_id, m.month_start), sum(m.cents), sum(m.quota)
  FROM months m
  GROUP BY 1, 2, 3, 5
  UNION ALL
  SELECT m.plan_version, m.level, m.entity_id, 'year', any_value(p.year_start), any_value(p.year_end),
         max_by(m.team_id, m.month_start), sum(m.cents), sum(m.quota)
  FROM months m JOIN plan_months p ON p.plan_version = m.plan_version AND p.month_start = m.month_start
  GROUP BY m.plan_version, m.level, m.entity_id, p.year
  UNION ALL
  SELECT plan_version, level, entity_id, 'week', week_start, week_end, team_id, cents, CAST(NULL AS DECIMAL(38, 2))
  FROM weeks
)
SELECT p.metric,
       x.level,
       x.entity_id,
       x.team_id,
       x.period_type,
       x.period_start,
       x.period_end,
       CASE x.period_type WHEN 'month' THEN date_format(x.period_start, 'yyyy-MM')
                          WHEN 'quarter' THEN concat(year(x.period_start), '-Q', quarter(x.period_start))
                          WHEN 'year' THEN CAST(year(x.period_start) AS STRING)
                          ELSE concat(date_format(x.period_start, 'yyyy-MM-dd'), '..', date_format(x.period_end, 'yyyy-MM-dd')) END AS period,
       CAST(x.cents / 100 AS DECIMAL(18, 2)) AS target_amount,
       CAST(x.quota AS DECIMAL(18, 2)) AS quota_amount,
       CAST(x.cents / 100 - x.quota AS DECIMAL(18, 2)) AS gap_amount,
       CAST((x.cents / 100 - x.quota) / nullif(x.quota, 0) AS DECIMAL(10, 4)) AS gap_share,
       CASE WHEN x.quota IS NOT NULL THEN abs(x.cents / 100 - x.quota) > p.gap_tolerance * x.quota END AS is_gap_flagged,
       p.currency,
       ${reporting_currency} AS reporting_currency_code,
       p.plan_version,
       p.plan_hash
FROM periods x
JOIN cfg_target p ON p.plan_version = x.plan_version AND p.year = year(x.period_end)
