WITH periods AS (
  SELECT f.*, coalesce(f.contact_id, 'account:' || f.account_id) AS respondent, p.period_type, p.period_start
  FROM fct_survey_response f
  LATERAL VIEW stack(3, 'month', trunc(f.survey_date, 'MM'), 'quarter', trunc(f.survey_date, 'QUARTER'),
                        'year', trunc(f.survey_date, 'YEAR')) p AS period_type, period_start
),
selected AS (
  SELECT *,
         row_number() OVER (PARTITION BY period_type, period_start, respondent ORDER BY survey_date, response_id) AS earliest_rank,
         row_number() OVER (PARTITION BY period_type, period_start, respondent ORDER BY survey_date DESC, response_id DESC) AS latest_rank
  FROM periods
),
counted AS (
  SELECT s.period_type, s.period_start, d.dimension, coalesce(d.dimension_value, 'unknown') AS dimension_value, s.nps_score
  FROM selected s
  LATERAL VIEW stack(5, 'all', 'all', 'account', s.account_id, 'owner', s.owner_employee_id,
                        'team', s.team_id, 'tier', s.tier) d AS dimension, dimension_value
  WHERE CASE '${nps_response_basis}' WHEN 'first' THEN s.earliest_rank = 1
                                     WHEN 'latest' THEN s.latest_rank = 1
                                     ELSE true END
),
totals AS (
  SELECT dimension, dimension_value, period_type, period_start,
         count(*) AS responses,
         count_if(nps_score >= 9) AS promoters,
         count_if(nps_score BETWEEN 7 AND 8) AS passives,
         count_if(nps_score <= 6) AS detractors
  FROM counted
  GROUP BY dimension, dimension_value, period_type, period_start
)
SELECT dimension, dimension_value, period_type, period_start, '${nps_response_basis}' AS response_basis,
       responses, promoters, passives, detractors,
       CAST(1.0 * promoters / responses AS DECIMAL(7, 4)) AS promoter_share,
       CAST(1.0 * passives / responses AS DECIMAL(7, 4)) AS passive_share,
       CAST(1.0 * detractors / responses AS DECIMAL(7, 4)) AS detractor_share,
       CAST(100.0 * (promoters - detractors) / responses AS DECIMAL(7, 2)) AS nps,
       CAST(1.96 * sqrt(((promoters + detractors) / responses - pow((promoters - detractors) / responses, 2)) / responses) * 100
            AS DECIMAL(7, 2)) AS nps_margin_of_error,
       responses < ${nps_min_responses} AS too_few_responses
FROM totals
