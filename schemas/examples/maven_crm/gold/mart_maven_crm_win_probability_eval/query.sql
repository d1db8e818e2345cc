WITH outcomes AS (
  SELECT s.scope, p_win AS probability, CASE WHEN is_won THEN 1 ELSE 0 END AS y
  FROM fct_maven_crm_win_probability
  LATERAL VIEW stack(2, CAST(year(as_of_date) AS STRING), 'all') s AS scope
  WHERE p_win IS NOT NULL AND is_won IS NOT NULL
),
ranked AS (
  SELECT scope, probability, y,
         rank() OVER (PARTITION BY scope ORDER BY probability)
           + (count(*) OVER (PARTITION BY scope, probability) - 1) / 2.0 AS mean_rank
  FROM outcomes
),
summary AS (
  SELECT scope, count(*) AS predictions, sum(y) AS won, avg(y) AS win_rate, avg(probability) AS mean_probability,
         avg(power(probability - y, 2)) AS brier_score, sum(CASE WHEN y = 1 THEN mean_rank ELSE 0 END) AS won_rank_sum
  FROM ranked
  GROUP BY scope
)
SELECT scope,
       predictions,
       won,
       CAST(win_rate AS DECIMAL(10, 4)) AS win_rate,
       CAST(mean_probability AS DECIMAL(10, 4)) AS mean_probability,
       CAST(CASE WHEN won > 0 AND won < predictions
                 THEN (won_rank_sum - won * (won + 1) / 2.0) / (won * (predictions - won)) END AS DECIMAL(10, 4)) AS auc,
       CAST(brier_score AS DECIMAL(10, 4)) AS brier_score,
       CAST(CASE WHEN win_rate > 0 AND win_rate < 1 THEN 1 - brier_score / (win_rate * (1 - win_rate)) END AS DECIMAL(10, 4))
         AS brier_skill
FROM summary
