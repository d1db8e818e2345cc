WITH event AS (
  SELECT date_trunc('SECOND', submitted_at) AS responded_at, nps_score, score_reason,
         row_number() OVER (PARTITION BY date_trunc('SECOND', submitted_at)
                            ORDER BY _ingested_at DESC, submitted_at DESC) AS export_rank
  FROM stg_prepbench__event_feedback
),
store_response AS (
  SELECT response_id,
         max(country) AS country, max(store) AS store, max(customer_name) AS customer_name,
         max(CASE WHEN question_number = '1' THEN regexp_replace(answer, '(\\d+)(st|nd|rd|th)\\b', '$1') END) AS day_text,
         max(CASE WHEN question_number = '2' THEN lower(regexp_replace(answer, '\\s', '')) END) AS time_text,
         max(CASE WHEN question_number = '3' THEN try_cast(answer AS INT) END) AS nps_score,
         max(CASE WHEN question_number = '3a' THEN answer END) AS why_recommend,
         max(CASE WHEN question_number = '3b' THEN answer END) AS why_not_recommend
  FROM stg_prepbench__store_survey_answers
  GROUP BY response_id
),
store_parsed AS (
  SELECT *,
         coalesce(try_to_date(day_text, 'd/M/yyyy'), try_to_date(day_text, 'M/d/yyyy'),
                  try_to_date(day_text, 'yyyy/M/d'), try_to_date(day_text, 'yyyy-M-d'),
                  try_to_date(day_text, 'd MMM yyyy')) AS response_date,
         CASE WHEN time_text RLIKE '^[0-9]{1,2}[:.]?[0-9]{2}(am|pm)?$'
              THEN int(substr(lpad(regexp_replace(time_text, '[^0-9]', ''), 4, '0'), 1, 2)) END AS clock_hour,
         CASE WHEN time_text RLIKE '^[0-9]{1,2}[:.]?[0-9]{2}(am|pm)?$'
              THEN int(substr(lpad(regexp_replace(time_text, '[^0-9]', ''), 4, '0'), 3, 2)) END AS clock_minute,
         regexp_extract(time_text, '(am|pm)$', 1) AS half_day
  FROM store_response
),
store AS (
  SELECT *,
         CASE WHEN clock_minute < 60 AND (clock_hour < 24 OR (clock_hour = 24 AND clock_minute = 0))
                   AND (half_day = '' OR clock_hour BETWEEN 1 AND 12)
              THEN CAST(response_date AS TIMESTAMP)
                   + make_dt_interval(0,
                       CASE WHEN half_day = 'pm' AND clock_hour < 12 THEN clock_hour + 12
                            WHEN half_day = 'am' AND clock_hour = 12 THEN 0
                            ELSE clock_hour END,
                       clock_minute, 0) END AS responded_at
  FROM store_parsed
),
responses AS (
  SELECT 'event_feedback' AS survey,
         date_format(responded_at, 'yyyy-MM-dd HH:mm:ss') AS response_id,
         date_format(responded_at, 'yyyy-MM-dd HH:mm:ss') AS respondent,
         CAST(NULL AS STRING) AS country, CAST(NULL AS STRING) AS segment_type, CAST(NULL AS STRING) AS segment,
         responded_at, nps_score, score_reason AS comment
  FROM event WHERE export_rank = 1
  UNION ALL
  SELECT 'store_feedback', CAST(response_id AS STRING), customer_name, country, 'store', store,
         responded_at, nps_score, coalesce(why_recommend, why_not_recommend)
  FROM store
  UNION ALL
  SELECT 'airline_recommendation', airline || '/' || customer_id, customer_id, CAST(NULL AS STRING), 'airline', airline,
         CAST(NULL AS TIMESTAMP), nps_score, CAST(NULL AS STRING)
  FROM stg_prepbench__airline_responses
),
ranked AS (
  SELECT *,
         count(*) OVER w AS respondent_responses,
         count(responded_at) OVER w AS respondent_dated_responses,
         row_number() OVER (PARTITION BY survey, country, segment, respondent ORDER BY responded_at ASC NULLS LAST, response_id) AS earliest_rank,
         row_number() OVER (PARTITION BY survey, country, segment, respondent ORDER BY responded_at DESC NULLS LAST, response_id DESC) AS latest_rank
  FROM responses
  WINDOW w AS (PARTITION BY survey, country, segment, respondent)
)
SELECT survey, response_id, respondent, country, segment_type, segment, responded_at,
       CAST(responded_at AS DATE) AS response_date,
       nps_score,
       CASE WHEN nps_score >= 9 THEN 'promoter' WHEN nps_score >= 7 THEN 'passive' ELSE 'detractor' END AS nps_category,
       respondent_responses = 1 OR (responded_at IS NOT NULL AND earliest_rank = 1) AS is_first_response,
       respondent_responses = 1 OR (responded_at IS NOT NULL AND latest_rank = 1) AS is_latest_response,
       comment
FROM ranked
