WITH o AS (
  SELECT *, to_date(created_at) AS created_date FROM stg_crm__opportunities
), stage_dates AS (
  SELECT opportunity_id,
         to_date(min(CASE WHEN stage = 'prospecting' THEN changed_at END)) AS prospecting_date,
         to_date(min(CASE WHEN stage = 'qualification' THEN changed_at END)) AS qualification_date,
         to_date(min(CASE WHEN stage = 'needs_analysis' THEN changed_at END)) AS needs_analysis_date,
         to_date(min(CASE WHEN stage = 'proposal' THEN changed_at END)) AS proposal_date,
         to_date(min(CASE WHEN stage = 'negotiation' THEN changed_at END)) AS negotiation_date,
         to_date(min(CASE WHEN stage = 'closed_won' THEN changed_at END)) AS closed_won_date,
         to_date(min(CASE WHEN stage = 'closed_lost' THEN changed_at END)) AS closed_lost_date
  FROM stg_crm__opportunity_stage_history
  GROUP BY opportunity_id
), owner AS (
  SELECT o.opportunity_id, e.employee_key, e.team_id,
         row_number() OVER (PARTITION BY o.opportunity_id ORDER BY
           CASE WHEN o.created_at >= e.valid_from AND (e.valid_to IS NULL OR o.created_at < e.valid_to) THEN 0 ELSE 1 END,
           e.valid_from) AS rn
  FROM o JOIN dim_employee e ON e.employee_id = o.owner_employee_id
), account AS (
  SELECT o.opportunity_id, a.account_key,
         row_number() OVER (PARTITION BY o.opportunity_id ORDER BY
           CASE WHEN o.created_at >= a.valid_from AND (a.valid_to IS NULL OR o.created_at < a.valid_to) THEN 0 ELSE 1 END,
           a.valid_from) AS rn
  FROM o JOIN dim_account a ON a.account_id = o.account_id
)
SELECT o.opportunity_id,
       o.opportunity_name,
       o.account_id,
       account.account_key,
       o.owner_employee_id,
       owner.employee_key,
       owner.team_id,
       t.team_key,
       o.product_id,
       p.product_key,
       o.opportunity_type,
       o.lead_source,
       o.stage,
       o.stage = 'closed_won' AS is_won,
       o.stage IN ('closed_won', 'closed_lost') AS is_closed,
       o.created_date,
       CAST(date_format(o.created_date, 'yyyyMMdd') AS INT) AS created_date_key,
       s.prospecting_date,
       s.qualification_date,
       s.needs_analysis_date,
       s.proposal_date,
       s.negotiation_date,
       s.closed_won_date,
       s.closed_lost_date,
       o.close_date,
       CAST(date_format(o.close_date, 'yyyyMMdd') AS INT) AS close_date_key,
       CASE WHEN o.stage IN ('closed_won', 'closed_lost') THEN datediff(o.close_date, o.created_date) END AS days_to_close,
       o.amount,
       o.currency_code,
       o.amount_rpt,
       o.probability,
       CAST(o.amount_rpt * o.probability AS DECIMAL(18,2)) AS weighted_amount_rpt
FROM o
LEFT JOIN stage_dates s ON s.opportunity_id = o.opportunity_id
LEFT JOIN owner ON owner.opportunity_id = o.opportunity_id AND owner.rn = 1
LEFT JOIN account ON account.opportunity_id = o.opportunity_id AND account.rn = 1
LEFT JOIN dim_team t ON t.team_id = owner.team_id
LEFT JOIN dim_product p ON p.product_id = o.product_id
