WITH snapshots AS (
  SELECT account_id, account_key, month, month_key, snapshot_date AS as_of_date, tier, mrr_amount,
         month = max(month) OVER () AS is_latest
  FROM fct_account_revenue_month
  WHERE mrr_amount > 0
),
activity_days AS (
  SELECT account_id, activity_date, count(*) AS activities
  FROM stg_crm__activities
  GROUP BY account_id, activity_date
),
activity AS (
  SELECT s.account_id, s.month,
         coalesce(sum(CASE WHEN d.activity_date > date_sub(s.as_of_date, ${activity_window_days}) THEN d.activities END), 0)
           AS activities_last_window,
         coalesce(sum(CASE WHEN d.activity_date <= date_sub(s.as_of_date, ${activity_window_days}) THEN d.activities END), 0)
           AS activities_prior_window
  FROM snapshots s
  JOIN activity_days d
    ON d.account_id = s.account_id
   AND d.activity_date > date_sub(s.as_of_date, 2 * ${activity_window_days}) AND d.activity_date <= s.as_of_date
  GROUP BY s.account_id, s.month
),
nps AS (
  SELECT account_id, month, nps_score AS latest_nps_score, survey_date AS latest_nps_date FROM (
    SELECT s.account_id, s.month, r.nps_score, r.survey_date,
           row_number() OVER (PARTITION BY s.account_id, s.month ORDER BY r.survey_date DESC, r.response_id DESC) AS rn
    FROM snapshots s
    JOIN stg_survey__nps_responses r
      ON r.account_id = s.account_id
     AND r.survey_date <= s.as_of_date AND r.survey_date > date_sub(s.as_of_date, ${nps_lookback_days}))
  WHERE rn = 1
),
invoices AS (
  SELECT invoice_id, account_id, due_date, amount, amount_rpt
  FROM stg_finance__invoices
  WHERE coalesce(status, '') <> 'void' AND amount > 0
),
invoice_state AS (
  SELECT s.account_id, s.month, s.as_of_date, i.invoice_id, i.due_date, i.amount, i.amount_rpt,
         coalesce(sum(p.amount), 0) AS paid_amount
  FROM snapshots s
  JOIN invoices i ON i.account_id = s.account_id AND i.due_date < s.as_of_date
  LEFT JOIN stg_finance__payments p ON p.invoice_id = i.invoice_id AND p.payment_date <= s.as_of_date
  GROUP BY s.account_id, s.month, s.as_of_date, i.invoice_id, i.due_date, i.amount, i.amount_rpt
),
payment AS (
  SELECT account_id, month,
         count_if(paid_amount < amount) AS overdue_invoices,
         count_if(paid_amount < amount AND due_date < date_sub(as_of_date, ${overdue_days})) AS long_overdue_invoices,
         CAST(sum(CASE WHEN paid_amount < amount THEN amount_rpt * (amount - paid_amount) / amount END) AS DECIMAL(18, 2))
           AS overdue_amount_rpt,
         sum(CASE WHEN due_date > date_sub(as_of_date, 365) THEN amount_rpt END) AS due_last_year_rpt
  FROM invoice_state
  GROUP BY account_id, month
),
-- tickets of the window with the deadline fct_service_sla gives them, judged as at the snapshot
tickets AS (
  SELECT s.account_id, s.month, t.ticket_id, t.deadline_at,
         CASE WHEN t.first_response_at < CAST(date_add(s.as_of_date, 1) AS TIMESTAMP) THEN t.first_response_at END
           AS responded_at,
         CAST(date_add(s.as_of_date, 1) AS TIMESTAMP) AS as_of_end_at
  FROM snapshots s
  JOIN fct_service_sla t
    ON t.account_id = s.account_id AND t.deadline_at IS NOT NULL
   AND t.opened_date <= s.as_of_date AND t.opened_date > date_sub(s.as_of_date, ${sla_window_days})
),
sla AS (
  SELECT account_id, month, count(*) AS tickets_in_window,
         count_if(CASE WHEN responded_at IS NOT NULL THEN responded_at > deadline_at ELSE deadline_at < as_of_end_at END)
           AS sla_breaches
  FROM tickets
  GROUP BY account_id, month
),
coverage AS (
  SELECT s.account_id, s.month, max(c.end_date) AS coverage_end_date
  FROM snapshots s
  JOIN stg_finance__contracts c
    ON c.account_id = s.account_id AND coalesce(c.signed_date, c.start_date) <= s.as_of_date
  GROUP BY s.account_id, s.month
),
renewal_opps AS (
  SELECT s.account_id, s.month, count(*) AS open_renewal_opportunities
  FROM snapshots s
  JOIN stg_crm__opportunities o
    ON o.account_id = s.account_id AND o.opportunity_type = 'renewal'
   AND to_date(o.created_at) <= s.as_of_date
   AND (NOT coalesce(o.is_closed, FALSE) OR o.close_date > s.as_of_date
        OR (coalesce(o.is_won, FALSE) AND o.close_date > date_sub(s.as_of_date, ${renewal_window_days})))
  GROUP BY s.account_id, s.month
),
measures AS (
  SELECT s.account_id, s.account_key, s.month, s.month_key, s.as_of_date, s.tier, s.mrr_amount, s.is_latest,
         coalesce(a.activities_last_window, 0) AS activities_last_window,
         coalesce(a.activities_prior_window, 0) AS activities_prior_window,
         n.latest_nps_score, n.latest_nps_date,
         coalesce(p.overdue_invoices, 0) AS overdue_invoices,
         coalesce(p.long_overdue_invoices, 0) AS long_overdue_invoices,
         coalesce(p.overdue_amount_rpt, CAST(0 AS DECIMAL(18, 2))) AS overdue_amount_rpt,
         p.due_last_year_rpt,
         coalesce(t.tickets_in_window, 0) AS tickets_in_window,
         coalesce(t.sla_breaches, 0) AS sla_breaches,
         c.coverage_end_date,
         coalesce(o.open_renewal_opportunities, 0) AS open_renewal_opportunities,
         c.coverage_end_date IS NOT NULL AND c.coverage_end_date <= date_add(s.as_of_date, ${renewal_window_days})
           AS contract_ending
  FROM snapshots s
  LEFT JOIN activity a ON a.account_id = s.account_id AND a.month = s.month
  LEFT JOIN nps n ON n.account_id = s.account_id AND n.month = s.month
  LEFT JOIN payment p ON p.account_id = s.account_id AND p.month = s.month
  LEFT JOIN sla t ON t.account_id = s.account_id AND t.month = s.month
  LEFT JOIN coverage c ON c.account_id = s.account_id AND c.month = s.month
  LEFT JOIN renewal_opps o ON o.account_id = s.account_id AND o.month = s.month
),
scored AS (
  SELECT m.*,
         CAST(CASE WHEN activities_last_window >= activities_prior_window AND activities_last_window > 0 THEN 100
                   WHEN activities_prior_window = 0 THEN 0
                   ELSE 100 * activities_last_window / activities_prior_window END AS DECIMAL(5, 2)) AS activity_score,
         CAST(coalesce(10 * latest_nps_score, ${nps_default_score}) AS DECIMAL(5, 2)) AS nps_score,
         CAST(CASE WHEN overdue_amount_rpt = 0 THEN 100
                   WHEN coalesce(due_last_year_rpt, 0) = 0 THEN 0
                   ELSE greatest(0, 100 - 100 * overdue_amount_rpt / due_last_year_rpt) END AS DECIMAL(5, 2)) AS payment_score,
         CAST(CASE WHEN tickets_in_window = 0 THEN 100
                   ELSE 100 * (tickets_in_window - sla_breaches) / tickets_in_window END AS DECIMAL(5, 2)) AS sla_score,
         CAST(CASE WHEN contract_ending AND open_renewal_opportunities = 0 THEN 0 ELSE 100 END AS DECIMAL(5, 2))
           AS renewal_score,
         filter(array(
           CASE WHEN activities_prior_window >= ${activity_min_prior}
                 AND activities_last_window <= activities_prior_window * (1 - ${activity_decline_threshold})
                THEN 'activity_decline' END,
           CASE WHEN latest_nps_score <= 6 THEN 'detractor_nps' END,
           CASE WHEN long_overdue_invoices > 0 THEN 'overdue_invoices' END,
           CASE WHEN sla_breaches >= ${sla_breach_min} THEN 'sla_breaches' END,
           CASE WHEN contract_ending AND open_renewal_opportunities = 0 THEN 'contract_ending_without_renewal' END),
           r -> r IS NOT NULL) AS risk_reasons
  FROM measures m
),
total AS (
  SELECT s.*,
         CAST((${w_activity} * activity_score + ${w_nps} * nps_score + ${w_payment} * payment_score
               + ${w_sla} * sla_score + ${w_renewal} * renewal_score)
              / (${w_activity} + ${w_nps} + ${w_payment} + ${w_sla} + ${w_renewal}) AS DECIMAL(5, 2)) AS health_score
  FROM scored s
)
SELECT account_id, account_key, month, month_key, as_of_date, tier, mrr_amount, is_latest,
       health_score,
       CASE WHEN health_score < ${high_risk_score_below}
              OR (size(risk_reasons) >= ${high_risk_min_reasons} AND health_score < ${high_risk_reasons_score_below}) THEN 'high'
            WHEN size(risk_reasons) >= 1 OR health_score < ${medium_risk_score_below} THEN 'medium'
            ELSE 'low' END AS churn_risk_level,
       risk_reasons,
       size(risk_reasons) AS risk_reason_count,
       concat_ws(', ', risk_reasons) AS risk_reasons_text,
       activity_score, nps_score, payment_score, sla_score, renewal_score,
       activities_last_window, activities_prior_window,
       latest_nps_score, latest_nps_date,
       overdue_invoices, long_overdue_invoices, overdue_amount_rpt,
       tickets_in_window, sla_breaches,
       coverage_end_date, open_renewal_opportunities,
       ${reporting_currency} AS currency_code
FROM total
