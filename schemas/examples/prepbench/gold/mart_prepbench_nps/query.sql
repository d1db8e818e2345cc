WITH counted AS (
  SELECT r.survey, d.dimension, d.dimension_value, r.nps_score
  FROM fct_prepbench_survey_response r
  LATERAL VIEW stack(3, 'all', 'all', 'country', r.country, coalesce(r.segment_type, 'segment'), r.segment) d AS dimension, dimension_value
  WHERE r.nps_score IS NOT NULL
    AND d.dimension_value IS NOT NULL
    AND CASE '${prepbench_response_basis}' WHEN 'first' THEN r.is_first_response
                                           WHEN 'latest' THEN r.is_latest_response
                                           ELSE true END
),
totals AS (
  SELECT survey, dimension, dimension_value,
         count(*) AS responses,
         count_if(nps_score >= 9) AS promoters,
         count_if(nps_score BETWEEN 7 AND 8) AS passives,
         count_if(nps_score <= 6) AS detractors
  FROM counted
  GROUP BY survey, dimension, dimension_value
),
scored AS (
  SELECT *,
         CASE '${prepbench_share_rounding}'
           WHEN 'floor' THEN CAST(div(100 * promoters, responses) - div(100 * detractors, responses) AS DECIMAL(7, 2))
           ELSE CAST(100.0 * (promoters - detractors) / responses AS DECIMAL(7, 2)) END AS nps,
         (promoters + detractors) / responses - pow((promoters - detractors) / responses, 2) AS score_variance,
         responses < ${prepbench_min_responses} AS too_few_responses
  FROM totals
)
SELECT survey, dimension, dimension_value, '${prepbench_response_basis}' AS response_basis,
       responses, promoters, passives, detractors,
       CAST(1.0 * promoters / responses AS DECIMAL(7, 4)) AS promoter_share,
       CAST(1.0 * passives / responses AS DECIMAL(7, 4)) AS passive_share,
       CAST(1.0 * detractors / responses AS DECIMAL(7, 4)) AS detractor_share,
       nps,
       CAST(1.96 * sqrt(score_variance / responses) * 100 AS DECIMAL(7, 2)) AS nps_margin_of_error,
       too_few_responses,
       CASE WHEN NOT too_few_responses AND dimension <> 'all'
            THEN CAST(try_divide(nps - avg(CASE WHEN NOT too_few_responses THEN nps END) OVER peers,
                      stddev_samp(CASE WHEN NOT too_few_responses THEN nps END) OVER peers) AS DECIMAL(9, 4)) END AS nps_z_score
FROM scored
WINDOW peers AS (PARTITION BY survey, dimension)
