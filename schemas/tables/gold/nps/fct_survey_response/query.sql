WITH response AS (
  SELECT r.*, CAST(r.survey_date AS TIMESTAMP) AS survey_ts FROM stg_survey__nps_responses r
),
account_at AS (
  SELECT r.response_id, a.account_key, a.owner_employee_id, a.tier,
         row_number() OVER (PARTITION BY r.response_id
                            ORDER BY CASE WHEN r.survey_ts >= a.valid_from AND (a.valid_to IS NULL OR r.survey_ts < a.valid_to)
                                          THEN 0 ELSE 1 END, a.valid_from) AS pick
  FROM response r
  JOIN dim_account a ON a.account_id = r.account_id
  WHERE a.valid_to IS NULL OR r.survey_ts < a.valid_to
),
owner_at AS (
  SELECT r.response_id, e.employee_key, e.team_id,
         row_number() OVER (PARTITION BY r.response_id
                            ORDER BY CASE WHEN r.survey_ts >= e.valid_from AND (e.valid_to IS NULL OR r.survey_ts < e.valid_to)
                                          THEN 0 ELSE 1 END, e.valid_from) AS pick
  FROM response r
  JOIN account_at a ON a.response_id = r.response_id AND a.pick = 1
  JOIN dim_employee e ON e.employee_id = a.owner_employee_id
  WHERE e.valid_to IS NULL OR r.survey_ts < e.valid_to
)
SELECT r.response_id,
       r.survey_date,
       d.date_key AS survey_date_key,
       r.account_id,
       a.account_key,
       r.contact_id,
       a.owner_employee_id,
       o.employee_key,
       o.team_id,
       a.tier,
       r.nps_score,
       CASE WHEN r.nps_score >= 9 THEN 'promoter' WHEN r.nps_score >= 7 THEN 'passive' ELSE 'detractor' END AS nps_category,
       r.csat_score,
       r.comment,
       r.channel
FROM response r
LEFT JOIN account_at a ON a.response_id = r.response_id AND a.pick = 1
LEFT JOIN owner_at o ON o.response_id = r.response_id AND o.pick = 1
LEFT JOIN dim_date d ON d.date = r.survey_date
