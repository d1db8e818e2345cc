WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date
),
-- as in fct_account_revenue_month: a terminated contract ends where its invoices stop covering it
invoiced_through AS (
  SELECT i.contract_id,
         max(date_sub(add_months(i.invoice_date,
             greatest(1, cast(round(i.amount * 12 / c.annual_value_amount) AS INT))), 1)) AS invoiced_through_date
  FROM stg_finance__invoices i
  JOIN stg_finance__contracts c ON c.contract_id = i.contract_id
  WHERE coalesce(i.status, '') <> 'void' AND c.annual_value_amount > 0
  GROUP BY i.contract_id
),
contracts AS (
  SELECT c.contract_id, c.account_id, c.start_date, c.end_date, c.status, c.renewal_of_contract_id,
         c.annual_value_amount_rpt,
         CASE WHEN c.status = 'terminated'
              THEN least(c.end_date, coalesce(t.invoiced_through_date, date_sub(c.start_date, 1)))
              ELSE c.end_date END AS effective_end_date
  FROM stg_finance__contracts c
  LEFT JOIN invoiced_through t ON t.contract_id = c.contract_id
),
ended AS (
  SELECT c.*, p.as_of_date
  FROM contracts c CROSS JOIN params p
  WHERE c.effective_end_date <= p.as_of_date
),
candidates AS (
  SELECT e.contract_id, r.contract_id AS renewal_contract_id, r.start_date AS renewal_start_date,
         r.annual_value_amount_rpt AS renewal_annual_value_amount_rpt, 'link' AS renewal_matched_by, 1 AS preference
  FROM ended e
  JOIN contracts r ON r.renewal_of_contract_id = e.contract_id
  WHERE r.start_date <= date_add(e.effective_end_date, ${grace_days})
  UNION ALL
  SELECT e.contract_id, r.contract_id, r.start_date, r.annual_value_amount_rpt, 'account', 2
  FROM ended e
  JOIN contracts r ON r.account_id = e.account_id AND r.contract_id <> e.contract_id
  WHERE '${renewal_match}' = 'link_or_account'
    AND r.start_date > e.start_date
    AND r.start_date BETWEEN date_sub(e.effective_end_date, ${grace_days}) AND date_add(e.effective_end_date, ${grace_days})
    AND r.end_date > e.effective_end_date
),
best AS (
  SELECT * FROM (
    SELECT c.*, row_number() OVER (PARTITION BY contract_id ORDER BY preference, renewal_start_date, renewal_contract_id) AS rn
    FROM candidates c)
  WHERE rn = 1
),
classified AS (
  SELECT e.*, b.renewal_contract_id, b.renewal_start_date, b.renewal_annual_value_amount_rpt, b.renewal_matched_by,
         CASE WHEN b.renewal_contract_id IS NOT NULL THEN 'renewed'
              WHEN date_add(e.effective_end_date, ${grace_days}) >= e.as_of_date THEN 'pending'
              ELSE 'not_renewed' END AS renewal_status
  FROM ended e
  LEFT JOIN best b ON b.contract_id = e.contract_id
),
first_versions AS (
  SELECT account_id, min_by(struct(account_key, tier), valid_from) AS v FROM dim_account GROUP BY account_id
)
SELECT c.contract_id,
       c.account_id,
       coalesce(d.account_key, f.v.account_key) AS account_key,
       coalesce(d.tier, f.v.tier) AS tier,
       c.status,
       c.start_date,
       c.end_date,
       c.effective_end_date,
       trunc(c.effective_end_date, 'MM') AS end_month,
       CAST(date_format(c.effective_end_date, 'yyyyMMdd') AS INT) AS end_date_key,
       CASE WHEN c.status = 'terminated' AND c.effective_end_date < c.end_date THEN 'terminated' ELSE 'term_end' END
         AS ended_by,
       c.annual_value_amount_rpt,
       c.renewal_status,
       CASE WHEN c.renewal_status = 'pending' THEN 0 ELSE 1 END AS is_renewal_due,
       CASE WHEN c.renewal_status = 'renewed' THEN 1 ELSE 0 END AS is_renewed,
       c.renewal_contract_id,
       c.renewal_matched_by,
       c.renewal_start_date,
       datediff(c.renewal_start_date, c.effective_end_date) AS days_from_end_to_renewal,
       c.renewal_annual_value_amount_rpt,
       CAST(${grace_days} AS INT) AS grace_days,
       ${reporting_currency} AS currency_code
FROM classified c
LEFT JOIN dim_account d
  ON d.account_id = c.account_id
 AND CAST(c.effective_end_date AS TIMESTAMP) >= d.valid_from
 AND (d.valid_to IS NULL OR CAST(c.effective_end_date AS TIMESTAMP) < d.valid_to)
LEFT JOIN first_versions f ON f.account_id = c.account_id
