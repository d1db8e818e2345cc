WITH outcomes AS (
  -- each prediction whose deal has closed since, under both forecasts
  SELECT f.forecast, s.scope, w.opportunity_id, f.probability, CASE WHEN o.is_won THEN 1 ELSE 0 END AS y
  FROM fct_win_probability w
  JOIN fct_opportunity o ON o.opportunity_id = w.opportunity_id AND o.is_closed
  LATERAL VIEW stack(2, 'model', w.p_win, 'stage', CAST(w.stage_probability AS DOUBLE)) f AS forecast, probability
  LATERAL VIEW stack(2, CAST(year(w.as_of_date) AS STRING), 'all') s AS scope
  WHERE w.p_win IS NOT NULL AND f.probability IS NOT NULL
),
ranked AS (
  -- rank() gives tied probabilities the first of their ranks; adding (ties - 1) / 2 gives them the mean
  SELECT forecast, scope, opportunity_id, probability, y,
         rank() OVER (PARTITION BY forecast, scope ORDER BY probability)
           + (count(*) OVER (PARTITION BY forecast, scope, probability) - 1) / 2.0 AS mean_rank
  FROM outcomes
),
summary AS (
  SELECT forecast, scope, count(*) AS predictions, count(DISTINCT opportunity_id) AS deals, sum(y) AS won,
         avg(y) AS win_rate, avg(probability) AS mean_probability, avg(power(probability - y, 2)) AS brier_score,
         sum(CASE WHEN y = 1 THEN mean_rank ELSE 0 END) AS won_rank_sum
  FROM ranked
  GROUP BY forecast, scope
)
SELECT scope,
       forecast,
       predictions,
       deals,
       won,
       CAST(win_rate AS DECIMAL(10, 4)) AS win_rate,
       CAST(mean_probability AS DECIMAL(10, 4)) AS mean_probability,
       CAST(CASE WHEN won > 0 AND won < predictions
                 THEN (won_rank_sum - won * (won + 1) / 2.0) / (won * (predictions - won)) END AS DECIMAL(10, 4)) AS auc,
       CAST(brier_score AS DECIMAL(10, 4)) AS brier_score,
       CAST(CASE WHEN win_rate > 0 AND win_rate < 1 THEN 1 - brier_score / (win_rate * (1 - win_rate)) END AS DECIMAL(10, 4))
         AS brier_skill
FROM summary
