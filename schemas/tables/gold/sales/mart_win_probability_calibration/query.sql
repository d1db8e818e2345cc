WITH outcomes AS (
  SELECT f.forecast, f.probability, CASE WHEN o.is_won THEN 1 ELSE 0 END AS y
  FROM fct_win_probability w
  JOIN fct_opportunity o ON o.opportunity_id = w.opportunity_id AND o.is_closed
  LATERAL VIEW stack(2, 'model', w.p_win, 'stage', CAST(w.stage_probability AS DOUBLE)) f AS forecast, probability
  WHERE w.p_win IS NOT NULL AND f.probability IS NOT NULL
),
binned AS (
  SELECT forecast, probability, y, least(9, CAST(floor(probability * 10) AS INT)) AS bin FROM outcomes
)
SELECT forecast,
       bin,
       concat(bin * 10, '-', (bin + 1) * 10, '%') AS bin_label,
       count(*) AS predictions,
       CAST(avg(probability) AS DECIMAL(10, 4)) AS mean_probability,
       sum(y) AS won,
       CAST(avg(y) AS DECIMAL(10, 4)) AS observed_win_rate,
       CAST(avg(y) - avg(probability) AS DECIMAL(10, 4)) AS gap
FROM binned
GROUP BY forecast, bin
