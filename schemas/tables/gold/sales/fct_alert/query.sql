WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date, CAST(date_add(DATE'${as_of_date}', 1) AS TIMESTAMP) AS as_of_end
),
account_now AS (
  -- each account's version at the as-of date: its owner and tier
  SELECT a.account_id, a.owner_employee_id, a.tier
  FROM dim_account a CROSS JOIN params p
  WHERE a.valid_from < p.as_of_end AND (a.valid_to IS NULL OR a.valid_to >= p.as_of_end)
),
employee_now AS (
  SELECT e.employee_id, e.team_id
  FROM dim_employee e CROSS JOIN params p
  WHERE e.valid_from < p.as_of_end AND (e.valid_to IS NULL OR e.valid_to >= p.as_of_end)
),
open_deals AS (
  SELECT o.* FROM fct_opportunity o CROSS JOIN params p
  WHERE NOT o.is_closed AND o.created_date <= p.as_of_date
),
contract_ending AS (
  -- a contract ending soon with neither a renewal contract nor an open renewal deal
  SELECT 'contract_ending_without_renewal' AS alert_type, 'contract' AS subject_type, c.contract_id AS subject_id, c.account_id,
         CAST(NULL AS STRING) AS owner_employee_id, c.end_date AS since_date, datediff(c.end_date, p.as_of_date) AS days,
         ${contract_ending_days} AS threshold_days, CAST(NULL AS DECIMAL(18, 2)) AS amount_rpt,
         concat('contract ', c.contract_id, ' ends on ', c.end_date, ', in ', datediff(c.end_date, p.as_of_date),
                ' days, with no renewal contract and no open renewal deal') AS reason
  FROM stg_finance__contracts c CROSS JOIN params p
  WHERE coalesce(c.status, '') <> 'terminated' AND c.start_date <= p.as_of_date
    AND c.end_date BETWEEN p.as_of_date AND date_add(p.as_of_date, ${contract_ending_days})
    AND NOT EXISTS (SELECT 1 FROM stg_finance__contracts r WHERE r.renewal_of_contract_id = c.contract_id)
    AND NOT EXISTS (SELECT 1 FROM open_deals o WHERE o.account_id = c.account_id AND o.opportunity_type = 'renewal')
),
paid AS (
  SELECT y.invoice_id, sum(y.amount) AS paid FROM stg_finance__payments y CROSS JOIN params p
  WHERE y.payment_date <= p.as_of_date GROUP BY y.invoice_id
),
invoice_overdue AS (
  SELECT 'invoice_overdue', 'invoice', i.invoice_id, i.account_id, CAST(NULL AS STRING), i.due_date,
         datediff(p.as_of_date, i.due_date), ${overdue_days},
         CAST((i.amount - coalesce(y.paid, 0)) * i.amount_rpt / nullif(i.amount, 0) AS DECIMAL(18, 2)),
         concat('invoice ', i.invoice_id, ' was due on ', i.due_date, ', ', datediff(p.as_of_date, i.due_date), ' days ago; ',
                format_number(i.amount - coalesce(y.paid, 0), 2), ' ', i.currency_code, ' of ', format_number(i.amount, 2),
                ' unpaid')
  FROM stg_finance__invoices i CROSS JOIN params p
  LEFT JOIN paid y ON y.invoice_id = i.invoice_id
  WHERE coalesce(i.status, '') <> 'void' AND i.invoice_date <= p.as_of_date
    -- the finance system's own word, where its extract was known by the as-of date (a drop holds the day before it):
    -- an invoice it calls paid is not overdue, though a payment line of it may have been quarantined
    AND NOT (coalesce(i.status, '') = 'paid' AND i._drop_date <= date_add(p.as_of_date, 1))
    AND i.due_date < date_sub(p.as_of_date, ${overdue_days}) AND i.amount - coalesce(y.paid, 0) > 0
),
stays AS (
  SELECT h.opportunity_id, h.stage, h.changed_at,
         lead(h.changed_at) OVER (PARTITION BY h.opportunity_id ORDER BY h.changed_at, h.stage) AS left_at
  FROM stg_crm__opportunity_stage_history h CROSS JOIN params p
  WHERE h.changed_at < p.as_of_end
),
stage_p90 AS (
  -- how long 90% of the finished stays in each stage lasted at most
  SELECT stage, percentile(datediff(to_date(left_at), to_date(changed_at)), 0.9) AS p90_days
  FROM stays WHERE left_at IS NOT NULL AND stage NOT IN ('closed_won', 'closed_lost')
  GROUP BY stage
),
deal_stuck AS (
  SELECT 'deal_stuck_in_stage', 'opportunity', o.opportunity_id, o.account_id, o.owner_employee_id, to_date(s.changed_at),
         datediff(p.as_of_date, to_date(s.changed_at)), CAST(ceil(q.p90_days) AS INT), o.amount_rpt,
         concat('deal ', o.opportunity_id, ' has been in ', s.stage, ' since ', to_date(s.changed_at), ', ',
                datediff(p.as_of_date, to_date(s.changed_at)), ' days; 90% of deals leave ', s.stage, ' within ',
                CAST(ceil(q.p90_days) AS INT), ' days')
  FROM open_deals o CROSS JOIN params p
  JOIN stays s ON s.opportunity_id = o.opportunity_id AND s.left_at IS NULL
  JOIN stage_p90 q ON q.stage = s.stage
  WHERE datediff(p.as_of_date, to_date(s.changed_at)) > q.p90_days
),
close_overdue AS (
  SELECT 'deal_past_expected_close', 'opportunity', o.opportunity_id, o.account_id, o.owner_employee_id, o.close_date,
         datediff(p.as_of_date, o.close_date), ${close_overdue_days}, o.amount_rpt,
         concat('deal ', o.opportunity_id, ' was expected to close on ', o.close_date, ', ', datediff(p.as_of_date, o.close_date),
                ' days ago, and is still open in ', o.stage)
  FROM open_deals o CROSS JOIN params p
  WHERE o.close_date < date_sub(p.as_of_date, ${close_overdue_days})
),
two_teams AS (
  SELECT 'account_pursued_by_two_teams', 'account', o.account_id, o.account_id, CAST(NULL AS STRING), min(o.created_date),
         datediff(any_value(p.as_of_date), min(o.created_date)), CAST(NULL AS INT), CAST(sum(o.amount_rpt) AS DECIMAL(18, 2)),
         concat('open deals of ', count(DISTINCT o.team_id), ' teams: ', array_join(array_sort(collect_set(o.team_id)), ', '),
                ' (', array_join(array_sort(collect_set(o.opportunity_id)), ', '), ')')
  FROM open_deals o CROSS JOIN params p
  WHERE o.team_id IS NOT NULL
  GROUP BY o.account_id
  HAVING count(DISTINCT o.team_id) > 1
),
last_activity AS (
  SELECT t.account_id, max(to_date(t.activity_date)) AS last_date
  FROM stg_crm__activities t CROSS JOIN params p
  WHERE to_date(t.activity_date) <= p.as_of_date
  GROUP BY t.account_id
),
strategic_inactive AS (
  SELECT 'strategic_account_inactive', 'account', a.account_id, a.account_id, CAST(NULL AS STRING), l.last_date,
         datediff(p.as_of_date, l.last_date), ${inactive_days}, CAST(NULL AS DECIMAL(18, 2)),
         CASE WHEN l.last_date IS NULL THEN 'strategic (tier S) account with no activity logged'
              ELSE concat('strategic (tier S) account with no activity since ', l.last_date, ', ',
                          datediff(p.as_of_date, l.last_date), ' days') END
  FROM account_now a CROSS JOIN params p
  LEFT JOIN last_activity l ON l.account_id = a.account_id
  WHERE a.tier = 'S' AND (l.last_date IS NULL OR l.last_date < date_sub(p.as_of_date, ${inactive_days}))
),
alerts AS (
  SELECT * FROM contract_ending
  UNION ALL SELECT * FROM invoice_overdue
  UNION ALL SELECT * FROM deal_stuck
  UNION ALL SELECT * FROM close_overdue
  UNION ALL SELECT * FROM two_teams
  UNION ALL SELECT * FROM strategic_inactive
)
SELECT x.alert_type,
       x.subject_type,
       x.subject_id,
       x.account_id,
       coalesce(x.owner_employee_id, a.owner_employee_id) AS employee_id,
       e.team_id,
       p.as_of_date,
       x.since_date,
       x.days,
       x.threshold_days,
       x.amount_rpt,
       x.reason
FROM alerts x
CROSS JOIN params p
LEFT JOIN account_now a ON a.account_id = x.account_id
LEFT JOIN employee_now e ON e.employee_id = coalesce(x.owner_employee_id, a.owner_employee_id)
