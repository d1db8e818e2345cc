SELECT p.opportunity_id,
       p.sales_agent,
       t.manager,
       t.regional_office,
       p.product,
       pr.series AS product_series,
       p.account,
       p.deal_stage,
       p.deal_stage = 'Won' AS is_won,
       p.deal_stage = 'Lost' AS is_lost,
       p.deal_stage IN ('Won', 'Lost') AS is_closed,
       p.engage_date,
       p.close_date,
       CASE WHEN p.deal_stage IN ('Won', 'Lost') THEN datediff(p.close_date, p.engage_date) END AS days_to_close,
       CAST(p.close_value AS DECIMAL(18,2)) AS close_value_amount,
       CAST(pr.sales_price AS DECIMAL(18,2)) AS list_value_amount,
       'USD' AS currency_code
FROM stg_maven_crm__sales_pipeline p
LEFT JOIN stg_maven_crm__sales_teams t ON t.sales_agent = p.sales_agent
LEFT JOIN stg_maven_crm__products pr ON pr.product = p.product
