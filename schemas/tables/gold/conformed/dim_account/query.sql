WITH delivered AS (
  SELECT account_id, account_name, industry, region, city, tier AS crm_tier, owner_employee_id, owner_name,
         annual_revenue_amount, employee_count, created_date,
         coalesce(updated_at, CAST(_drop_date AS TIMESTAMP)) AS v_ts, _ingested_at
  FROM raw_crm__accounts),
versions AS (
  SELECT account_id, v_ts, max_by(struct(account_name, industry, region, city, crm_tier, owner_employee_id, owner_name,
         annual_revenue_amount, employee_count, created_date), _ingested_at) AS v
  FROM delivered GROUP BY account_id, v_ts),
firsts AS (
  SELECT account_id, min(v_ts) AS first_ts, min_by(v, v_ts) AS first_v FROM versions GROUP BY account_id),
tiers AS (
  SELECT account_id, CAST(add_months(month, 1) AS TIMESTAMP) AS t_ts, tier, tier_score FROM fct_account_tier),
events AS (
  SELECT v.account_id, CASE WHEN v.v_ts = f.first_ts THEN least(v.v_ts, CAST(f.first_v.created_date AS TIMESTAMP))
                            ELSE v.v_ts END AS ts
  FROM versions v JOIN firsts f USING (account_id)
  UNION
  SELECT t.account_id, t.t_ts FROM tiers t JOIN firsts f USING (account_id)),
with_attrs AS (
  SELECT e.account_id, e.ts, coalesce(max_by(v.v, v.v_ts), any_value(f.first_v)) AS v
  FROM events e JOIN firsts f ON f.account_id = e.account_id
  LEFT JOIN versions v ON v.account_id = e.account_id AND v.v_ts <= e.ts
  GROUP BY e.account_id, e.ts),
with_tier AS (
  SELECT a.account_id, a.ts, any_value(a.v) AS v, max_by(t.tier, t.t_ts) AS tier, max_by(t.tier_score, t.t_ts) AS tier_score
  FROM with_attrs a LEFT JOIN tiers t ON t.account_id = a.account_id AND t.t_ts <= a.ts
  GROUP BY a.account_id, a.ts)
SELECT account_id, v.account_name, v.industry, v.region, v.city, v.owner_employee_id, v.owner_name, v.crm_tier,
       coalesce(tier, v.crm_tier) AS tier, tier_score, CASE WHEN tier IS NULL THEN 'crm' ELSE 'scored' END AS tier_source,
       v.annual_revenue_amount, v.employee_count, v.created_date, ts AS effective_from
FROM with_tier
