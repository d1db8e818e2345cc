WITH won AS (
  SELECT account_id, close_date AS d, sum(amount_rpt) AS amount
  FROM stg_crm__opportunities
  WHERE stage = 'closed_won' AND close_date IS NOT NULL AND amount_rpt IS NOT NULL
  GROUP BY account_id, close_date),
last_month AS (
  -- the last complete month: the month before the day after the latest finance or activity date
  SELECT add_months(trunc(date_add(max(d), 1), 'MM'), -1) AS m FROM (
    SELECT max(cost_month) AS d FROM stg_finance__costs UNION ALL SELECT max(activity_date) FROM stg_crm__activities)),
as_of AS (
  SELECT last_day(s.month) AS as_of_date, s.month = l.m AS is_latest
  FROM (SELECT explode(sequence(b.first_m, b.last_m, INTERVAL 1 MONTH)) AS month
        FROM (SELECT trunc(min(w.d), 'MM') AS first_m, max(l.m) AS last_m FROM won w CROSS JOIN last_month l) b
        WHERE b.first_m <= b.last_m) s
  CROSS JOIN last_month l),
summary AS (
  SELECT a.as_of_date, any_value(a.is_latest) AS is_latest, w.account_id, min(w.d) AS first_deal_date,
         max(w.d) AS last_deal_date, count(*) - 1 AS frequency, sum(w.amount) AS won_amount,
         sum(w.amount) - min_by(w.amount, w.d) AS repeat_amount
  FROM as_of a JOIN won w ON w.d <= a.as_of_date
  GROUP BY a.as_of_date, w.account_id),
rates AS (
  SELECT a.as_of_date, c.account_id, sum(c.revenue_amount_rpt - c.cost_amount_rpt) AS margin,
         sum(c.revenue_amount_rpt) AS revenue
  FROM as_of a JOIN stg_finance__costs c ON c.cost_month <= a.as_of_date
  GROUP BY a.as_of_date, c.account_id),
overall AS (
  SELECT as_of_date, sum(margin) / nullif(sum(revenue), 0) AS rate FROM rates GROUP BY as_of_date),
versions AS (
  -- every version of an account the CRM delivered (bronze keeps them all), as dim_account takes them
  SELECT account_id, v_ts, max_by(struct(tier, industry), _ingested_at) AS v
  FROM (SELECT account_id, tier, industry, coalesce(updated_at, CAST(_drop_date AS TIMESTAMP)) AS v_ts, _ingested_at
        FROM raw_crm__accounts)
  GROUP BY account_id, v_ts),
as_at AS (
  -- the version in force at the end of the as-of date; before the account's first version, that version
  SELECT s.account_id, s.as_of_date,
         coalesce(max_by(v.v, v.v_ts) FILTER (WHERE v.v_ts < CAST(date_add(s.as_of_date, 1) AS TIMESTAMP)),
                  min_by(v.v, v.v_ts)) AS v
  FROM (SELECT account_id, as_of_date FROM summary) s JOIN versions v ON v.account_id = s.account_id
  GROUP BY s.account_id, s.as_of_date)
SELECT s.account_id, s.as_of_date, s.is_latest, coalesce(acc.v.tier, 'unknown') AS crm_tier, acc.v.industry AS industry,
       s.first_deal_date, s.last_deal_date, CAST(s.frequency AS INT) AS frequency,
       CAST(datediff(s.last_deal_date, s.first_deal_date) AS DOUBLE) / 7 AS recency,
       CAST(datediff(s.as_of_date, s.first_deal_date) AS DOUBLE) / 7 AS t,
       CAST(s.won_amount AS DECIMAL(18,2)) AS won_amount,
       CAST(coalesce(r.margin / nullif(r.revenue, 0), o.rate) AS DECIMAL(9,4)) AS margin_rate,
       CAST(CASE WHEN s.frequency > 0 THEN s.repeat_amount / s.frequency * coalesce(r.margin / nullif(r.revenue, 0), o.rate) END
            AS DECIMAL(18,2)) AS monetary_value
FROM summary s
LEFT JOIN as_at acc ON acc.account_id = s.account_id AND acc.as_of_date = s.as_of_date
LEFT JOIN rates r ON r.as_of_date = s.as_of_date AND r.account_id = s.account_id
LEFT JOIN overall o ON o.as_of_date = s.as_of_date
