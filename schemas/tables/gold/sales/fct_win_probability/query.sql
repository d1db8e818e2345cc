-- One row per deal open at a month end, with what was known of it then. A deal's outcome is the label the
-- fits learn from once it is known (label_date): its last stage change, when that closed it. The outcome
-- comes from the stage history, dated, so a deal closing today reaches today's fits and no earlier one.
WITH snap AS (
  SELECT s.opportunity_id, s.snapshot_date AS as_of_date, s.account_id, s.owner_employee_id, s.team_id, s.stage,
         s.probability AS stage_probability, s.days_in_stage, s.deal_age_days, s.amount_rpt, s.weighted_amount_rpt,
         s.reporting_currency_code
  FROM fct_pipeline_snapshot s
  WHERE s.is_month_end AND s.stage IS NOT NULL
),
last_change AS (
  SELECT opportunity_id, max(struct(changed_at, stage)) AS last
  FROM stg_crm__opportunity_stage_history
  GROUP BY opportunity_id
),
outcome AS (
  SELECT l.opportunity_id, o.account_id, l.last.stage = 'closed_won' AS is_won, to_date(l.last.changed_at) AS closed_on
  FROM last_change l
  JOIN fct_opportunity o ON o.opportunity_id = l.opportunity_id
  WHERE l.last.stage IN ('closed_won', 'closed_lost')
),
act AS (
  SELECT s.opportunity_id, s.as_of_date,
         count(CASE WHEN a.activity_date > date_sub(s.as_of_date, ${activity_window_days}) THEN 1 END) AS activities_recent,
         max(a.activity_date) AS last_activity_date,
         count(DISTINCT CASE WHEN c.decision_role = 'decision_maker' THEN c.contact_id END) AS decision_makers_met
  FROM snap s
  JOIN stg_crm__activities a ON a.opportunity_id = s.opportunity_id AND a.activity_date <= s.as_of_date
  LEFT JOIN stg_crm__contacts c ON c.contact_id = a.contact_id
  GROUP BY s.opportunity_id, s.as_of_date
),
dm AS (
  SELECT s.opportunity_id, s.as_of_date, count(*) AS decision_makers
  FROM snap s
  JOIN stg_crm__contacts c ON c.account_id = s.account_id AND c.decision_role = 'decision_maker' AND c.created_date <= s.as_of_date
  GROUP BY s.opportunity_id, s.as_of_date
),
hist AS (
  SELECT s.opportunity_id, s.as_of_date,
         count(CASE WHEN o.is_won THEN 1 END) AS account_won_before,
         count(CASE WHEN NOT o.is_won THEN 1 END) AS account_lost_before
  FROM snap s
  JOIN outcome o ON o.account_id = s.account_id AND o.opportunity_id <> s.opportunity_id AND o.closed_on <= s.as_of_date
  GROUP BY s.opportunity_id, s.as_of_date
)
SELECT s.opportunity_id,
       s.as_of_date,
       s.account_id,
       s.owner_employee_id,
       s.team_id,
       s.stage,
       o.opportunity_type,
       o.product_id,
       coalesce(t.tier, 'none') AS account_tier,
       s.stage_probability,
       s.amount_rpt,
       s.weighted_amount_rpt,
       s.reporting_currency_code,
       CAST(ln(1 + greatest(s.amount_rpt, 0)) AS DOUBLE) AS log_amount_rpt,
       s.deal_age_days,
       s.days_in_stage,
       coalesce(a.activities_recent, 0) AS activities_recent,
       coalesce(datediff(s.as_of_date, a.last_activity_date), s.deal_age_days) AS days_since_activity,
       CAST(CASE WHEN coalesce(d.decision_makers, 0) = 0 THEN 0
                 ELSE least(1.0, coalesce(a.decision_makers_met, 0) / d.decision_makers) END AS DOUBLE) AS decision_maker_coverage,
       coalesce(h.account_won_before, 0) AS account_won_before,
       coalesce(h.account_lost_before, 0) AS account_lost_before,
       x.is_won AS label,
       x.closed_on AS label_date
FROM snap s
JOIN fct_opportunity o ON o.opportunity_id = s.opportunity_id
LEFT JOIN outcome x ON x.opportunity_id = s.opportunity_id
LEFT JOIN act a ON a.opportunity_id = s.opportunity_id AND a.as_of_date = s.as_of_date
LEFT JOIN dm d ON d.opportunity_id = s.opportunity_id AND d.as_of_date = s.as_of_date
LEFT JOIN hist h ON h.opportunity_id = s.opportunity_id AND h.as_of_date = s.as_of_date
LEFT JOIN fct_account_tier t ON t.account_id = s.account_id AND t.month = add_months(trunc(s.as_of_date, 'MM'), -1)
