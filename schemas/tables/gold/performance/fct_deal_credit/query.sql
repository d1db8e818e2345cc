WITH won AS (
  SELECT o.opportunity_id, o.account_id, o.owner_employee_id, o.close_date, o.amount_rpt,
         p.plan_version, p.plan_hash, p.deal_assist_share
  FROM fct_opportunity o
  JOIN cfg_scoring_plan p ON o.close_date BETWEEN p.effective_from AND p.effective_to
  WHERE o.is_won AND o.amount_rpt IS NOT NULL
), members AS (
  SELECT m.opportunity_id, m.employee_id, m.team_role
  FROM stg_crm__opportunity_team_members m
  WHERE m.opportunity_id IN (SELECT opportunity_id FROM won)
), lead_members AS (
  SELECT m.opportunity_id, m.employee_id,
         row_number() OVER (PARTITION BY m.opportunity_id
                            ORDER BY CASE WHEN m.employee_id = w.owner_employee_id THEN 0 ELSE 1 END, m.employee_id) AS rn
  FROM members m JOIN won w ON w.opportunity_id = m.opportunity_id
  WHERE m.team_role = 'lead'
), leads AS (
  SELECT w.opportunity_id, coalesce(l.employee_id, w.owner_employee_id) AS employee_id,
         l.employee_id IS NULL AS lead_from_owner
  FROM won w LEFT JOIN lead_members l ON l.opportunity_id = w.opportunity_id AND l.rn = 1
), assists AS (
  SELECT m.opportunity_id, m.employee_id, m.team_role
  FROM members m
  JOIN won w ON w.opportunity_id = m.opportunity_id
  JOIN cfg_deal_credit_role r ON r.plan_version = w.plan_version AND r.team_role = m.team_role
  JOIN leads ld ON ld.opportunity_id = m.opportunity_id
  WHERE NOT (m.employee_id <=> ld.employee_id)
), assist_credit AS (
  SELECT a.opportunity_id, a.employee_id, a.team_role, false AS is_lead, false AS lead_from_owner,
         CAST(round(w.deal_assist_share / CAST(count(*) OVER (PARTITION BY a.opportunity_id) AS INT), 6) AS DECIMAL(9,6))
           AS credit_share,
         CAST(round(w.amount_rpt * w.deal_assist_share / CAST(count(*) OVER (PARTITION BY a.opportunity_id) AS INT), 2)
           AS DECIMAL(18,2)) AS credit_amount
  FROM assists a JOIN won w ON w.opportunity_id = a.opportunity_id
), assist_totals AS (
  SELECT opportunity_id, sum(credit_share) AS shares, sum(credit_amount) AS amounts
  FROM assist_credit GROUP BY opportunity_id
), lead_credit AS (
  SELECT w.opportunity_id, ld.employee_id, 'lead' AS team_role, true AS is_lead, ld.lead_from_owner,
         CAST(1 - coalesce(t.shares, 0) AS DECIMAL(9,6)) AS credit_share,
         CAST(w.amount_rpt - coalesce(t.amounts, 0) AS DECIMAL(18,2)) AS credit_amount
  FROM won w
  JOIN leads ld ON ld.opportunity_id = w.opportunity_id
  LEFT JOIN assist_totals t ON t.opportunity_id = w.opportunity_id
), credits AS (
  SELECT * FROM lead_credit
  UNION ALL
  SELECT * FROM assist_credit
), employee_at_close AS (
  SELECT c.opportunity_id, c.employee_id, e.employee_key, e.team_id,
         row_number() OVER (PARTITION BY c.opportunity_id, c.employee_id ORDER BY
           CASE WHEN CAST(w.close_date AS TIMESTAMP) >= e.valid_from
                     AND (e.valid_to IS NULL OR CAST(w.close_date AS TIMESTAMP) < e.valid_to) THEN 0 ELSE 1 END,
           e.valid_from) AS rn
  FROM credits c
  JOIN won w ON w.opportunity_id = c.opportunity_id
  JOIN dim_employee e ON e.employee_id = c.employee_id
)
SELECT c.opportunity_id,
       c.employee_id,
       ea.employee_key,
       ea.team_id,
       c.team_role,
       c.is_lead,
       c.lead_from_owner,
       w.account_id,
       w.close_date,
       CAST(date_format(w.close_date, 'yyyyMMdd') AS INT) AS close_date_key,
       c.credit_share,
       c.credit_amount,
       w.amount_rpt,
       CAST(sum(c.credit_amount) OVER (PARTITION BY c.opportunity_id) AS DECIMAL(18,2)) AS deal_credit_total,
       CAST(sum(c.credit_share) OVER (PARTITION BY c.opportunity_id) AS DECIMAL(9,6)) AS deal_share_total,
       w.plan_version,
       w.plan_hash
FROM credits c
JOIN won w ON w.opportunity_id = c.opportunity_id
LEFT JOIN employee_at_close ea ON ea.opportunity_id = c.opportunity_id AND ea.employee_id = c.employee_id AND ea.rn = 1
