WITH agents AS (
  SELECT sales_agent, manager, regional_office FROM stg_maven_crm__sales_teams
  UNION ALL
  SELECT DISTINCT d.sales_agent, d.manager, d.regional_office FROM fct_maven_crm_deal d
  WHERE NOT EXISTS (SELECT 1 FROM stg_maven_crm__sales_teams t WHERE t.sales_agent = d.sales_agent)
), by_agent AS (
  SELECT sales_agent,
         count_if(is_won) AS won_count,
         count_if(is_lost) AS lost_count,
         count_if(NOT is_closed) AS open_count,
         CAST(coalesce(sum(CASE WHEN is_won THEN close_value_amount END), 0) AS DECIMAL(18,2)) AS won_amount,
         CAST(coalesce(sum(CASE WHEN is_won THEN list_value_amount END), 0) AS DECIMAL(18,2)) AS won_list_value_amount,
         CAST(coalesce(sum(CASE WHEN is_lost THEN list_value_amount END), 0) AS DECIMAL(18,2)) AS lost_list_value_amount,
         CAST(coalesce(sum(CASE WHEN NOT is_closed THEN list_value_amount END), 0) AS DECIMAL(18,2)) AS open_pipeline_amount,
         coalesce(sum(CASE WHEN is_won THEN days_to_close END), 0) AS won_days_to_close_total
  FROM fct_maven_crm_deal
  GROUP BY sales_agent
)
SELECT a.sales_agent,
       a.manager,
       a.regional_office,
       coalesce(b.won_count, 0) AS won_count,
       coalesce(b.lost_count, 0) AS lost_count,
       coalesce(b.won_amount, 0) AS won_amount,
       CAST(CAST(b.won_count AS DECIMAL(20,0)) / nullif(b.won_count + b.lost_count, 0) AS DECIMAL(7,4)) AS win_rate_by_count,
       coalesce(b.won_list_value_amount, 0) AS won_list_value_amount,
       coalesce(b.lost_list_value_amount, 0) AS lost_list_value_amount,
       CAST(b.won_list_value_amount / nullif(b.won_list_value_amount + b.lost_list_value_amount, 0) AS DECIMAL(7,4))
         AS win_rate_by_amount,
       coalesce(b.won_days_to_close_total, 0) AS won_days_to_close_total,
       CAST(CAST(b.won_days_to_close_total AS DECIMAL(20,0)) / nullif(b.won_count, 0) AS DECIMAL(9,2)) AS avg_days_to_close_won,
       coalesce(b.open_count, 0) AS open_pipeline_count,
       coalesce(b.open_pipeline_amount, 0) AS open_pipeline_amount,
       'USD' AS currency_code
FROM agents a
LEFT JOIN by_agent b ON b.sales_agent = a.sales_agent
