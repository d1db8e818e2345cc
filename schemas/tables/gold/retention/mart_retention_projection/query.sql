WITH c AS (
  SELECT account_id, start_date, end_date, signed_date FROM stg_finance__contracts WHERE coalesce(status, '') <> 'draft'),
data_end AS (
  SELECT last_day(add_months(trunc(date_add(max(signed_date), 1), 'MM'), -1)) AS d FROM c),
members AS (
  SELECT f.account_id, f.first_start, year(f.first_start) AS cohort, coalesce(a.tier, 'unknown') AS crm_tier
  FROM (SELECT account_id, min(start_date) AS first_start FROM c GROUP BY account_id) f
  CROSS JOIN data_end e
  LEFT JOIN stg_crm__accounts a ON a.account_id = f.account_id
  WHERE f.first_start <= e.d),
periods AS (
  SELECT m.account_id, m.first_start, m.cohort, m.crm_tier, p.t
  FROM members m CROSS JOIN data_end e
  LATERAL VIEW explode(sequence(1, greatest(1, year(e.d) - m.cohort + 1))) p AS t),
covered AS (
  SELECT p.account_id, p.cohort, p.crm_tier, p.t, max(CASE WHEN c.account_id IS NULL THEN 0 ELSE 1 END) AS covered
  FROM periods p
  LEFT JOIN c ON c.account_id = p.account_id
             AND c.start_date <= date_add(add_months(p.first_start, 12 * p.t), ${grace_days})
             AND c.end_date >= add_months(p.first_start, 12 * p.t)
  GROUP BY p.account_id, p.cohort, p.crm_tier, p.t),
survived AS (
  SELECT *, min(covered) OVER (PARTITION BY account_id ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS alive
  FROM covered),
cohorts AS (
  SELECT crm_tier, cohort, count(*) AS initial_count, max(first_start) AS last_start FROM members GROUP BY crm_tier, cohort),
counts AS (
  SELECT crm_tier, cohort, t AS period, sum(alive) AS survivors FROM survived GROUP BY crm_tier, cohort, t),
as_of AS (
  SELECT DISTINCT as_of_date FROM (
    SELECT make_date(y, 12, 31) AS as_of_date
    FROM (SELECT explode(sequence(b.first_y, greatest(b.first_y, b.last_y))) AS y
          FROM (SELECT min(m.cohort) + 1 AS first_y, year(max(e.d)) - 1 AS last_y FROM members m CROSS JOIN data_end e) b
          WHERE b.first_y IS NOT NULL)
    UNION ALL SELECT d FROM data_end)
  WHERE as_of_date <= (SELECT d FROM data_end))
SELECT a.as_of_date, k.crm_tier, k.cohort, CAST(k.period AS INT) AS period, h.initial_count,
       add_months(h.last_start, 12 * k.period) AS period_end_date,
       CASE WHEN date_add(add_months(h.last_start, 12 * k.period), ${grace_days}) <= e.d THEN k.survivors END AS survivors,
       date_add(add_months(h.last_start, 12 * k.period), ${grace_days}) <= a.as_of_date AS observed
FROM as_of a CROSS JOIN data_end e
JOIN cohorts h ON h.cohort <= year(a.as_of_date) AND h.last_start <= a.as_of_date
JOIN counts k ON k.crm_tier = h.crm_tier AND k.cohort = h.cohort
