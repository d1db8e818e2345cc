WITH latest AS (SELECT max(as_of_date) AS as_of_date FROM mart_retention_projection),
live AS (SELECT * FROM stg_finance__contracts WHERE coalesce(status, '') <> 'draft'),
firsts AS (SELECT account_id, min(start_date) AS first_start FROM live GROUP BY account_id),
active AS (
  SELECT c.contract_id, c.account_id, coalesce(a.tier, 'unknown') AS crm_tier, year(f.first_start) AS cohort,
         f.first_start AS first_contract_start_date, c.start_date, c.end_date, l.as_of_date,
         CAST(floor(months_between(l.as_of_date, f.first_start) / 12) + 1 AS INT) AS contract_year
  FROM live c JOIN firsts f ON f.account_id = c.account_id CROSS JOIN latest l
  LEFT JOIN stg_crm__accounts a ON a.account_id = c.account_id
  WHERE c.start_date <= l.as_of_date AND c.end_date >= l.as_of_date)
SELECT x.*, p.segment, p.sbg_fit_key, p.sbg_alpha, p.sbg_beta, p.projected_retention_rate AS retention_rate_this_year,
       p.expected_remaining_periods, p.discounted_expected_remaining_periods
FROM active x
LEFT JOIN mart_retention_projection p ON p.as_of_date = x.as_of_date AND p.crm_tier = x.crm_tier AND p.cohort = x.cohort
                                     AND p.period = x.contract_year
