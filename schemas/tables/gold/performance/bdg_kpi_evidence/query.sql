WITH params AS (
  -- the data's span: from the first month with an activity to the as-of date
  SELECT DATE'${as_of_date}' AS as_of_date,
         coalesce(trunc(min(activity_date), 'MM'), DATE'0001-01-01') AS data_from
  FROM stg_crm__activities
),
plans AS (
  SELECT plan_version, plan_hash, CAST(effective_from AS DATE) AS effective_from,
         coalesce(CAST(effective_to AS DATE), DATE'9999-12-31') AS effective_to
  FROM cfg_scoring_plan
),
bounds AS (
  -- a build by period starts at the year of the first period it replaces (a year's rows are its months' rows)
  SELECT greatest(trunc(min(p.effective_from), 'MM'), max(a.data_from), trunc(DATE'${periods_from}', 'YEAR')) AS first_month,
         trunc(max(a.as_of_date), 'MM') AS last_month
  FROM plans p CROSS JOIN params a
),
months AS (
  SELECT m AS month, last_day(m) AS month_end, CAST(add_months(m, 1) AS TIMESTAMP) AS next_ts
  FROM bounds LATERAL VIEW explode(sequence(first_month, last_month, INTERVAL 1 MONTH)) s AS m
  WHERE first_month <= last_month
),
periods AS (
  SELECT 'month' AS period_type, date_format(month, 'yyyy-MM') AS period, month AS period_start, month_end AS period_end
  FROM months
  UNION
  SELECT 'quarter', concat(year(month), '-Q', quarter(month)), make_date(year(month), 3 * quarter(month) - 2, 1),
         last_day(make_date(year(month), 3 * quarter(month), 1))
  FROM months
  UNION
  SELECT 'year', CAST(year(month) AS STRING), make_date(year(month), 1, 1), make_date(year(month), 12, 31)
  FROM months
),
-- complete periods up to the as-of date, each under the plan in force at its start
plan_periods AS (
  SELECT pe.*, pl.plan_version, pl.plan_hash
  FROM periods pe
  CROSS JOIN params a
  JOIN plans pl ON pe.period_start BETWEEN pl.effective_from AND pl.effective_to
  WHERE pe.period_end <= a.as_of_date AND pe.period_start >= a.data_from
),
-- who is scored on what: employed at the period end, role and career stage then, the weight set
frame AS (
  SELECT DISTINCT p.period_type, p.period, p.period_start, p.period_end, p.plan_version, p.plan_hash,
         e.employee_id, w.kpi
  FROM plan_periods p
  JOIN dim_employee e
    ON e.valid_from < CAST(date_add(p.period_end, 1) AS TIMESTAMP)
   AND (e.valid_to IS NULL OR e.valid_to >= CAST(date_add(p.period_end, 1) AS TIMESTAMP))
  JOIN cfg_career_stage c
    ON c.plan_version = p.plan_version
   AND add_months(e.hire_date, c.from_months) <= p.period_end
   AND (c.to_months IS NULL OR add_months(e.hire_date, c.to_months) > p.period_end)
  JOIN cfg_scoring_weight w
    ON w.plan_version = p.plan_version AND w.role = e.role AND w.career_stage = c.career_stage
  WHERE e.hire_date <= p.period_end
    AND (e.termination_date IS NULL OR e.termination_date >= p.period_end)
),
-- accounts with owner and tier, and employees with team, as at each month end
owners AS (
  SELECT m.month, a.account_id, a.owner_employee_id, a.tier
  FROM months m
  JOIN dim_account a ON a.valid_from < m.next_ts AND (a.valid_to IS NULL OR a.valid_to >= m.next_ts)
),
teams_at AS (
  SELECT m.month, e.employee_id, e.team_id, coalesce(t.path, e.team_id) AS path
  FROM months m
  JOIN dim_employee e ON e.valid_from < m.next_ts AND (e.valid_to IS NULL OR e.valid_to >= m.next_ts)
  LEFT JOIN dim_team t ON t.team_id = e.team_id
),
-- every team an employee is in at a month end: their own and each team above it
team_lines AS (
  SELECT month, employee_id, line_team_id FROM teams_at LATERAL VIEW explode(split(path, '/')) x AS line_team_id
),
owned AS (
  SELECT month, owner_employee_id AS employee_id, account_id, tier FROM owners WHERE owner_employee_id IS NOT NULL
),
non_owners AS (
  SELECT t.month, t.employee_id, t.team_id, split(t.path, '/')[0] AS root_team_id
  FROM teams_at t
  LEFT ANTI JOIN owned x ON x.month = t.month AND x.employee_id = t.employee_id
),
-- the accounts they logged activities on, each reaching the twelve months from its month
worked AS (
  SELECT DISTINCT employee_id, account_id, reach_month AS month
  FROM (SELECT DISTINCT employee_id, account_id, trunc(activity_date, 'MM') AS activity_month
        FROM stg_crm__activities
        WHERE employee_id IS NOT NULL AND account_id IS NOT NULL AND activity_date IS NOT NULL) a
  LATERAL VIEW explode(sequence(activity_month, add_months(activity_month, 11), INTERVAL 1 MONTH)) r AS reach_month
),
-- who owns no account is measured on the first of these bases that has accounts (rank): the accounts owned in their
-- team and the teams under it (a lead's team, a head's region); else (a specialist team owning nothing) the accounts
-- they logged activities on in the twelve months to the month end; else the accounts owned in their region (the root
-- team above theirs)
non_owner_bases AS (
  SELECT n.month, n.employee_id, o.account_id, o.tier, 'team' AS book_basis, 1 AS rank
  FROM non_owners n
  JOIN team_lines l ON l.month = n.month AND l.line_team_id = n.team_id
  JOIN owned o ON o.month = l.month AND o.employee_id = l.employee_id
  UNION ALL
  SELECT n.month, n.employee_id, o.account_id, o.tier, 'served', 2
  FROM non_owners n
  JOIN worked w ON w.month = n.month AND w.employee_id = n.employee_id
  JOIN owners o ON o.month = w.month AND o.account_id = w.account_id
  UNION ALL
  SELECT n.month, n.employee_id, o.account_id, o.tier, 'region', 3
  FROM non_owners n
  JOIN team_lines l ON l.month = n.month AND l.line_team_id = n.root_team_id
  JOIN owned o ON o.month = l.month AND o.employee_id = l.employee_id
),
book AS (
  SELECT month, employee_id, account_id, tier, 'owned' AS book_basis FROM owned
  UNION ALL
  SELECT month, employee_id, account_id, tier, book_basis
  FROM (SELECT *, min(rank) OVER (PARTITION BY month, employee_id) AS first_rank FROM non_owner_bases)
  WHERE rank = first_rank
),
-- facts about a book account in a month (book_month): the employees whose book holds the account then get them
account_facts AS (
  SELECT 'collection_rate' AS kpi, 'fct_account_month' AS source_table,
         concat(account_id, '/', date_format(month, 'yyyy-MM')) AS source_id, account_id, month AS book_month,
         month AS event_date, collected_amount_rpt AS numerator, invoiced_amount_rpt AS denominator,
         'collected / invoiced' AS detail
  FROM fct_account_month
  WHERE invoiced_amount_rpt <> 0 OR collected_amount_rpt <> 0
  UNION ALL
  SELECT 'new_key_contacts', 'stg_crm__contacts', contact_id, account_id, trunc(created_date, 'MM'), created_date, 1, NULL,
         decision_role
  FROM stg_crm__contacts
  WHERE decision_role IN (${key_contact_roles})
  UNION ALL
  SELECT 'account_growth', 'fct_account_month', concat(f.account_id, '/', date_format(f.month, 'yyyy-MM')), f.account_id,
         f.month, f.month, f.revenue_amount_rpt, coalesce(y.revenue_amount_rpt, 0), 'revenue / revenue a year earlier'
  FROM fct_account_month f
  LEFT JOIN fct_account_month y ON y.account_id = f.account_id AND y.month = add_months(f.month, -12)
  WHERE f.revenue_amount_rpt <> 0 OR coalesce(y.revenue_amount_rpt, 0) <> 0
  UNION ALL
  SELECT 'nps_owned', 'stg_survey__nps_responses', response_id, account_id, trunc(survey_date, 'MM'), survey_date,
         CASE WHEN nps_score >= 9 THEN 100 WHEN nps_score <= 6 THEN -100 ELSE 0 END, 1, concat('score ', nps_score)
  FROM stg_survey__nps_responses
  UNION ALL
  SELECT 'csat', 'stg_survey__nps_responses', response_id, account_id, trunc(survey_date, 'MM'), survey_date, csat_score, 1,
         concat('csat ', csat_score)
  FROM stg_survey__nps_responses
  WHERE csat_score IS NOT NULL
  UNION ALL
  SELECT 'renewal_rate', 'fct_contract_renewal', contract_id, account_id, end_month, effective_end_date, is_renewed, 1,
         renewal_status
  FROM fct_contract_renewal
  WHERE is_renewal_due = 1
),
-- facts dated by one event: they count in every period that holds the date
dated AS (
  SELECT employee_id, 'bookings_attainment' AS kpi, 'fct_deal_credit' AS source_table, opportunity_id AS source_id,
         account_id, close_date AS event_date, CAST(credit_amount AS DECIMAL(24, 6)) AS numerator,
         CAST(NULL AS DECIMAL(24, 6)) AS denominator, CAST(NULL AS STRING) AS book_basis,
         concat('lead, share ', CAST(credit_share AS STRING)) AS detail
  FROM fct_deal_credit WHERE is_lead
  UNION ALL
  SELECT employee_id, 'assisted_bookings', 'fct_deal_credit', opportunity_id, account_id, close_date, credit_amount, NULL, NULL,
         concat(team_role, ', share ', CAST(credit_share AS STRING))
  FROM fct_deal_credit WHERE NOT is_lead
  UNION ALL
  SELECT employee_id, 'assists', 'fct_deal_credit', opportunity_id, account_id, close_date, 1, NULL, NULL, team_role
  FROM fct_deal_credit WHERE NOT is_lead
  UNION ALL
  SELECT project_manager_employee_id, 'on_time_delivery', 'stg_crm__delivery_milestones', milestone_id, account_id, planned_date,
         CASE WHEN actual_date <= planned_date THEN 1 ELSE 0 END, 1, NULL,
         concat('planned ', CAST(planned_date AS STRING), ', done ', coalesce(CAST(actual_date AS STRING), 'not yet'))
  FROM stg_crm__delivery_milestones
  WHERE project_manager_employee_id IS NOT NULL AND coalesce(status, '') <> 'cancelled'
  UNION ALL
  -- the deadline and status fct_service_sla gives a ticket; open tickets still in time are left out
  SELECT employee_id, 'ticket_sla', 'fct_service_sla', ticket_id, account_id, opened_date,
         CASE WHEN within_sla THEN 1 ELSE 0 END, 1, NULL,
         concat('tier ', tier, ', due ', CAST(deadline_at AS STRING), ', answered ',
                coalesce(CAST(first_response_at AS STRING), 'not yet'))
  FROM fct_service_sla
  WHERE employee_id IS NOT NULL AND within_sla IS NOT NULL
  UNION ALL
  SELECT employee_id, 'activities', 'stg_crm__activities', activity_id, account_id, activity_date, 1, NULL, NULL, activity_type
  FROM stg_crm__activities
  WHERE activity_type IN (${activity_types})
  UNION ALL
  SELECT employee_id, 'kb_contributions', 'stg_crm__kb_contributions', contribution_id, NULL, contribution_date, 1, NULL, NULL,
         contribution_type
  FROM stg_crm__kb_contributions
  UNION ALL
  SELECT b.employee_id, f.kpi, f.source_table, f.source_id, f.account_id, f.event_date, f.numerator, f.denominator,
         b.book_basis, f.detail
  FROM account_facts f JOIN book b ON b.account_id = f.account_id AND b.month = f.book_month
),
-- each row carries its period's end: the final join matches on it, so a build by period (on period_end) reaches
-- only the periods it replaces
in_periods AS (
  SELECT p.period_type, p.period, p.period_end, d.*
  FROM dated d JOIN plan_periods p ON d.event_date BETWEEN p.period_start AND p.period_end
  UNION ALL
  -- a quarter's review counts for every period overlapping the quarter
  SELECT p.period_type, p.period, p.period_end, r.reviewee_employee_id, 'peer_review', 'stg_survey__peer_reviews', r.review_id, NULL,
         make_date(CAST(substr(r.period, 1, 4) AS INT), 3 * CAST(substr(r.period, 7, 1) AS INT) - 2, 1),
         CAST((r.collaboration_score + r.knowledge_sharing_score) / 2 AS DECIMAL(24, 6)), 1, NULL,
         concat(r.period, ' by ', r.reviewer_employee_id)
  FROM stg_survey__peer_reviews r
  JOIN plan_periods p
    ON make_date(CAST(substr(r.period, 1, 4) AS INT), 3 * CAST(substr(r.period, 7, 1) AS INT) - 2, 1) <= p.period_end
   AND last_day(make_date(CAST(substr(r.period, 1, 4) AS INT), 3 * CAST(substr(r.period, 7, 1) AS INT), 1)) >= p.period_start
  WHERE r.period RLIKE '^[0-9]{4}-Q[1-4]$'
  UNION ALL
  -- decision-chain coverage: the book as it stands in the period's last month
  SELECT p.period_type, p.period, p.period_end, b.employee_id, 'decision_chain_coverage', 'fct_account_month',
         concat(b.account_id, '/', date_format(b.month, 'yyyy-MM')), b.account_id, b.month,
         CASE WHEN coalesce(f.decision_maker_count, 0) > 0 THEN 1 ELSE 0 END, 1, b.book_basis,
         concat(coalesce(f.decision_maker_count, 0), ' decision makers among ', coalesce(f.active_contact_count, 0), ' contacts')
  FROM plan_periods p
  JOIN book b ON b.month = trunc(p.period_end, 'MM')
  LEFT JOIN fct_account_month f ON f.account_id = b.account_id AND f.month = b.month
),
strategic_candidates AS (
  SELECT p.period_type, p.period, p.period_start, p.period_end, b.employee_id, b.account_id, min(b.book_basis) AS book_basis
  FROM plan_periods p
  JOIN book b ON b.month BETWEEN p.period_start AND p.period_end AND b.tier = 'S'
  GROUP BY 1, 2, 3, 4, 5, 6
),
-- per period and account (whoever's book it is in): the deals won in the period, and the revenue of the period's months
-- and of the same months a year earlier
strategic_won AS (
  SELECT p.period_type, p.period, p.period_end, o.account_id, count(o.opportunity_id) AS won_deals
  FROM plan_periods p
  JOIN fct_opportunity o ON o.is_won AND o.close_date BETWEEN p.period_start AND p.period_end
  GROUP BY 1, 2, 3, 4
),
strategic_revenue AS (
  SELECT p.period_type, p.period, p.period_end, f.account_id,
         sum(CASE WHEN f.month >= p.period_start THEN f.revenue_amount_rpt END) AS revenue,
         sum(CASE WHEN f.month < p.period_start THEN f.revenue_amount_rpt END) AS revenue_year_before
  FROM plan_periods p
  JOIN fct_account_month f
    ON f.month BETWEEN p.period_start AND p.period_end
    OR f.month BETWEEN add_months(p.period_start, -12) AND add_months(p.period_end, -12)
  GROUP BY 1, 2, 3, 4
),
strategic AS (
  SELECT c.period_type, c.period, c.employee_id, c.account_id, c.book_basis, c.period_end, coalesce(w.won_deals, 0) AS won_deals,
         coalesce(r.revenue, 0) AS revenue, coalesce(r.revenue_year_before, 0) AS revenue_year_before
  FROM strategic_candidates c
  LEFT JOIN strategic_won w USING (period_type, period, period_end, account_id)
  LEFT JOIN strategic_revenue r USING (period_type, period, period_end, account_id)
),
evidence AS (
  SELECT * FROM in_periods
  UNION ALL
  SELECT period_type, period, period_end, employee_id, 'strategic_accounts', 'dim_account', account_id, account_id, period_end,
         CASE WHEN won_deals > 0 OR revenue > revenue_year_before THEN 1 ELSE 0 END, 1, book_basis,
         concat(won_deals, ' deals won, revenue ', CAST(revenue AS STRING), ' against ', CAST(revenue_year_before AS STRING))
  FROM strategic
)
SELECT f.employee_id, f.period_type, f.period, f.period_start, f.period_end, f.kpi,
       e.source_table, e.source_id, e.account_id, e.event_date,
       CAST(e.numerator AS DECIMAL(24, 6)) AS numerator, CAST(e.denominator AS DECIMAL(24, 6)) AS denominator,
       e.book_basis, e.detail, f.plan_version, f.plan_hash
FROM frame f
JOIN evidence e
  ON e.employee_id = f.employee_id AND e.period_type = f.period_type AND e.period = f.period AND e.period_end = f.period_end
 AND e.kpi = f.kpi
