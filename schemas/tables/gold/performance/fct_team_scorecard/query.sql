WITH subtree AS (
  -- every team with each of its ancestors and itself
  SELECT t.team_id AS member_team_id, a AS team_id
  FROM dim_team t LATERAL VIEW explode(split(t.path, '/')) s AS a
),
members AS (
  SELECT u.team_id, s.period_type, s.period, s.employee_id, s.business_results_score, s.collaboration_score,
         s.customer_value_score, s.composite_score, s.team_id = u.team_id AS is_direct
  FROM fct_employee_scorecard s
  JOIN subtree u ON u.member_team_id = s.team_id
),
periods AS (
  SELECT DISTINCT period_type, period, period_start, period_end, plan_version, plan_hash FROM fct_employee_scorecard
),
credits AS (
  SELECT u.team_id, p.period_type, p.period,
         sum(c.credit_amount) AS credited_bookings_amount,
         sum(CASE WHEN c.is_lead THEN c.credit_amount END) AS lead_credit_amount,
         count(DISTINCT c.opportunity_id) AS credited_deals
  FROM fct_deal_credit c
  JOIN subtree u ON u.member_team_id = c.team_id
  JOIN periods p ON c.close_date BETWEEN p.period_start AND p.period_end
  GROUP BY 1, 2, 3
),
best AS (
  SELECT team_id, period_type, period, employee_id AS best_employee_id, composite_score AS best_composite_score
  FROM (SELECT team_id, period_type, period, employee_id, composite_score,
               row_number() OVER (PARTITION BY team_id, period_type, period
                                  ORDER BY composite_score DESC NULLS LAST, employee_id) AS rn
        FROM members)
  WHERE rn = 1 AND composite_score IS NOT NULL
),
rolled AS (
  SELECT team_id, period_type, period,
         count(DISTINCT employee_id) AS headcount,
         count(DISTINCT CASE WHEN is_direct THEN employee_id END) AS direct_headcount,
         count(composite_score) AS scored_headcount,
         CAST(avg(business_results_score) AS DECIMAL(5, 2)) AS business_results_score,
         CAST(avg(collaboration_score) AS DECIMAL(5, 2)) AS collaboration_score,
         CAST(avg(customer_value_score) AS DECIMAL(5, 2)) AS customer_value_score,
         CAST(avg(composite_score) AS DECIMAL(5, 2)) AS composite_score,
         CAST(count_if(composite_score < ${low_score_below}) / nullif(count(composite_score), 0) AS DECIMAL(5, 4))
           AS share_under_60
  FROM members
  GROUP BY 1, 2, 3
)
SELECT r.team_id, t.team_key, t.team_name, t.team_type, t.level, t.parent_team_id,
       r.period_type, r.period, p.period_start, p.period_end,
       r.headcount, r.direct_headcount, r.scored_headcount,
       r.business_results_score, r.collaboration_score, r.customer_value_score, r.composite_score, r.share_under_60,
       b.best_employee_id, b.best_composite_score,
       CAST(coalesce(c.credited_bookings_amount, 0) AS DECIMAL(18, 2)) AS credited_bookings_amount,
       CAST(coalesce(c.lead_credit_amount, 0) AS DECIMAL(18, 2)) AS lead_credit_amount,
       coalesce(c.credited_deals, 0) AS credited_deals,
       ${reporting_currency} AS currency_code,
       p.plan_version, p.plan_hash
FROM rolled r
JOIN dim_team t ON t.team_id = r.team_id
JOIN periods p ON p.period_type = r.period_type AND p.period = r.period
LEFT JOIN best b ON b.team_id = r.team_id AND b.period_type = r.period_type AND b.period = r.period
LEFT JOIN credits c ON c.team_id = r.team_id AND c.period_type = r.period_type AND c.period = r.period
