WITH binned AS (
  SELECT p_win AS probability, CASE WHEN is_won THEN 1 ELSE 0 END AS y, least(9, CAST(floor(p_win * 10) AS INT)) AS bin
  FROM fct_maven_crm_win_probability
  WHERE p_win IS NOT NULL AND is_won IS NOT NULL
)
SELECT bin,
       concat(bin * 10, '-', (bin + 1) * 10, '%') AS bin_label,
       count(*) AS predictions,
       CAST(avg(probability) AS DECIMAL(10, 4)) AS mean_probability,
       sum(y) AS won,
       CAST(avg(y) AS DECIMAL(10, 4)) AS observed_win_rate,
       CAST(avg(y) - avg(probability) AS DECIMAL(10, 4)) AS gap
FROM binned
GROUP BY bin
