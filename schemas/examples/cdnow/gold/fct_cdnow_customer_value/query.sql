WITH days AS (
  SELECT customer_id, purchase_date, sum(dollar_value) AS value
  FROM stg_cdnow__sample_transactions GROUP BY customer_id, purchase_date),
calibration AS (
  SELECT customer_id, min(purchase_date) AS first_date, max(purchase_date) AS last_date, count(*) - 1 AS frequency,
         sum(value) - min_by(value, purchase_date) AS repeat_value
  FROM days WHERE purchase_date <= DATE'${calibration_end}' GROUP BY customer_id),
holdout AS (
  SELECT customer_id, count(*) AS holdout_transactions, sum(value) AS holdout_value
  FROM days WHERE purchase_date > DATE'${calibration_end}' AND purchase_date <= DATE'${holdout_end}'
  GROUP BY customer_id)
SELECT c.customer_id, DATE'${calibration_end}' AS as_of_date, c.first_date, c.last_date,
       CAST(c.frequency AS INT) AS frequency,
       CAST(datediff(c.last_date, c.first_date) AS DOUBLE) / 7 AS recency,
       CAST(datediff(DATE'${calibration_end}', c.first_date) AS DOUBLE) / 7 AS t,
       CAST(CASE WHEN c.frequency > 0 THEN c.repeat_value / c.frequency END AS DECIMAL(18,4)) AS monetary_value,
       CAST(coalesce(h.holdout_transactions, 0) AS INT) AS holdout_transactions,
       CAST(coalesce(h.holdout_value, 0) AS DECIMAL(18,2)) AS holdout_value
FROM calibration c LEFT JOIN holdout h ON h.customer_id = c.customer_id
