SELECT xxhash64(product_id) AS product_key,
       product_id,
       product_name,
       product_line,
       list_price_amount,
       currency_code,
       list_price_amount_rpt,
       coalesce(is_active, true) AS is_active
FROM stg_crm__products
