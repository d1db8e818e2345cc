WITH scope AS (
  SELECT min(pay_period_start) AS first_pay_period_start, max(as_of_date) AS as_of_date FROM fct_bonus
),
computed AS (
  SELECT b.employee_id, b.pay_period, b.payout_type, any_value(b.pay_period_start) AS pay_period_start,
         CAST(sum(b.payout_amount) AS DECIMAL(18, 2)) AS computed_amount, count(*) AS computed_lines,
         concat_ws(', ', array_sort(collect_set(b.period))) AS computed_bonus_periods,
         max(b.plan_version) AS plan_version, max(b.plan_hash) AS plan_hash, max(b.currency) AS currency
  FROM fct_bonus b CROSS JOIN scope s
  WHERE b.event_status = 'due' AND b.pay_period_start <= s.as_of_date
  GROUP BY b.employee_id, b.pay_period, b.payout_type
),
ledger AS (
  SELECT l.*, trunc(l.paid_date, 'QUARTER') AS pay_period_start,
         concat(year(l.paid_date), '-Q', quarter(l.paid_date)) AS pay_period,
         p.currency AS plan_currency, p.bonus_match_tolerance AS plan_tolerance, p.plan_version
  FROM stg_finance__bonus_payouts l
  CROSS JOIN scope s
  LEFT JOIN cfg_scoring_plan p ON trunc(l.paid_date, 'QUARTER') BETWEEN p.effective_from AND p.effective_to
  WHERE trunc(l.paid_date, 'QUARTER') BETWEEN s.first_pay_period_start AND s.as_of_date
),
paid AS (
  SELECT employee_id, pay_period, payout_type, any_value(pay_period_start) AS pay_period_start,
         CAST(sum(CASE WHEN currency_code = coalesce(plan_currency, ${reporting_currency}) THEN paid_amount
                       WHEN coalesce(plan_currency, ${reporting_currency}) = ${reporting_currency} THEN paid_amount_rpt END)
              AS DECIMAL(18, 2)) AS paid_amount,
         count(*) AS payroll_lines,
         concat_ws(', ', array_sort(collect_set(period))) AS payroll_bonus_periods,
         concat_ws(', ', array_sort(collect_set(payout_id))) AS payroll_payout_ids,
         max(plan_version) AS pay_period_plan_version
  FROM ledger
  GROUP BY employee_id, pay_period, payout_type
),
joined AS (
  SELECT coalesce(c.employee_id, p.employee_id) AS employee_id,
         coalesce(c.pay_period, p.pay_period) AS pay_period,
         coalesce(c.pay_period_start, p.pay_period_start) AS pay_period_start,
         coalesce(c.payout_type, p.payout_type) AS payout_type,
         c.computed_amount, p.paid_amount, coalesce(c.computed_lines, 0) AS computed_lines,
         coalesce(p.payroll_lines, 0) AS payroll_lines, c.computed_bonus_periods, p.payroll_bonus_periods,
         p.payroll_payout_ids, coalesce(c.plan_version, p.pay_period_plan_version) AS plan_version
  FROM computed c
  FULL OUTER JOIN paid p
    ON p.employee_id = c.employee_id AND p.pay_period = c.pay_period AND p.payout_type = c.payout_type
),
measured AS (
  SELECT j.*, coalesce(pl.bonus_match_tolerance, CAST(0 AS DECIMAL(18, 2))) AS tolerance, pl.plan_hash,
         coalesce(pl.currency, ${reporting_currency}) AS currency,
         CAST(coalesce(j.computed_amount, 0) - coalesce(j.paid_amount, 0) AS DECIMAL(18, 2)) AS difference_amount
  FROM joined j
  LEFT JOIN cfg_scoring_plan pl ON pl.plan_version = j.plan_version
),
classified AS (
  SELECT m.*,
         CASE WHEN m.payroll_lines = 0 AND abs(m.difference_amount) <= m.tolerance THEN 'matched'
              WHEN m.payroll_lines = 0 THEN 'missing_in_payroll'
              WHEN m.computed_lines = 0 THEN 'unexpected_in_payroll'
              WHEN abs(m.difference_amount) <= m.tolerance THEN 'matched'
              WHEN m.difference_amount > 0 THEN 'under_paid'
              ELSE 'over_paid' END AS status
  FROM measured m
)
SELECT employee_id,
       pay_period,
       pay_period_start,
       payout_type,
       computed_amount,
       paid_amount,
       difference_amount,
       status,
       CASE status
         WHEN 'matched' THEN
           CASE WHEN payroll_lines = 0 THEN concat('nothing due (computed ', format_number(coalesce(computed_amount, 0), 2),
                                                   ' for bonus quarter ', computed_bonus_periods, ') and nothing paid')
                WHEN difference_amount = 0 THEN concat('payroll paid ', format_number(paid_amount, 2), ' as computed for bonus quarter ',
                                                        computed_bonus_periods)
                ELSE concat('payroll paid ', format_number(paid_amount, 2), ' against ', format_number(computed_amount, 2),
                            ' computed: within the tolerance of ', format_number(tolerance, 2)) END
         WHEN 'missing_in_payroll' THEN
           concat('no payroll line paid in ', pay_period, ' for the ', payout_type, ' of ', format_number(computed_amount, 2),
                  ' computed for bonus quarter ', computed_bonus_periods)
         WHEN 'unexpected_in_payroll' THEN
           concat('payroll paid ', format_number(paid_amount, 2), ' as ', payout_type, ' for bonus quarter ', payroll_bonus_periods,
                  ' (', payroll_payout_ids, ') but nothing of that type is computed due in ', pay_period)
         ELSE concat('payroll paid ', format_number(paid_amount, 2), ' (bonus quarter ', payroll_bonus_periods, ') against ',
                     format_number(computed_amount, 2), ' computed (bonus quarter ', computed_bonus_periods, '): ',
                     format_number(abs(difference_amount), 2), CASE WHEN status = 'under_paid' THEN ' too little' ELSE ' too much' END)
       END AS reason,
       computed_lines,
       payroll_lines,
       computed_bonus_periods,
       payroll_bonus_periods,
       payroll_payout_ids,
       tolerance,
       currency,
       plan_version,
       plan_hash
FROM classified
