WITH s AS (
  SELECT manager,
         min(regional_office) AS regional_office,
         count(*) AS agent_count,
         sum(won_count) AS won_count,
         sum(lost_count) AS lost_count,
         CAST(sum(won_amount) AS DECIMAL(18,2)) AS won_amount,
         CAST(sum(won_list_value_amount) AS DECIMAL(18,2)) AS won_list_value_amount,
         CAST(sum(lost_list_value_amount) AS DECIMAL(18,2)) AS lost_list_value_amount,
         sum(won_days_to_close_total) AS won_days_to_close_total,
         sum(open_pipeline_count) AS open_pipeline_count,
         CAST(sum(open_pipeline_amount) AS DECIMAL(18,2)) AS open_pipeline_amount
  FROM mart_sales_agent_performance
  WHERE manager IS NOT NULL
  GROUP BY manager
)
SELECT s.*,
       CAST(CAST(won_count AS DECIMAL(20,0)) / nullif(won_count + lost_count, 0) AS DECIMAL(7,4)) AS win_rate_by_count,
       CAST(won_list_value_amount / nullif(won_list_value_amount + lost_list_value_amount, 0) AS DECIMAL(7,4))
         AS win_rate_by_amount,
       CAST(CAST(won_days_to_close_total AS DECIMAL(20,0)) / nullif(won_count, 0) AS DECIMAL(9,2)) AS avg_days_to_close_won,
       'USD' AS currency_code
FROM s
