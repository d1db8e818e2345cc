WITH bounds AS (
  SELECT min(d) AS lo, max(d) AS hi FROM (
    SELECT created_date AS d FROM stg_crm__accounts
    UNION ALL SELECT hire_date FROM stg_crm__employees
    UNION ALL SELECT to_date(created_at) FROM stg_crm__opportunities
    UNION ALL SELECT close_date FROM stg_crm__opportunities
    UNION ALL SELECT activity_date FROM stg_crm__activities
    UNION ALL SELECT start_date FROM stg_finance__contracts
    UNION ALL SELECT end_date FROM stg_finance__contracts
    UNION ALL SELECT invoice_date FROM stg_finance__invoices
    UNION ALL SELECT due_date FROM stg_finance__invoices
    UNION ALL SELECT survey_date FROM stg_survey__nps_responses)
  WHERE d IS NOT NULL),
days AS (
  SELECT explode(sequence(make_date(year(coalesce(lo, current_date())), 1, 1),
                          make_date(year(coalesce(hi, current_date())) + 1, 12, 31))) AS date
  FROM bounds),
holiday_items AS (
  SELECT trim(item) AS item FROM (SELECT explode(split('${holidays}', ';')) AS item) WHERE trim(item) <> ''),
holiday_days AS (
  SELECT d AS date, min(holiday_name) AS holiday_name FROM (
    SELECT explode(sequence(to_date(trim(split_part(span, '..', 1))),
                            to_date(trim(coalesce(nullif(split_part(span, '..', 2), ''), split_part(span, '..', 1)))))) AS d,
           holiday_name
    FROM (SELECT split_part(item, ':', 1) AS span, trim(substr(item, length(split_part(item, ':', 1)) + 2)) AS holiday_name
          FROM holiday_items))
  GROUP BY d),
cal AS (
  SELECT d.date, h.holiday_name,
         ((month(d.date) - ${fiscal_year_start_month} + 12) % 12) + 1 AS fiscal_month
  FROM days d LEFT JOIN holiday_days h ON h.date = d.date)
SELECT
  CAST(date_format(date, 'yyyyMMdd') AS INT) AS date_key,
  date,
  year(date) AS year,
  quarter(date) AS quarter,
  month(date) AS month,
  trunc(date, 'MM') AS month_start,
  trunc(date, 'QUARTER') AS quarter_start,
  date_format(date, 'yyyy-MM') AS year_month,
  weekofyear(date) AS week_of_year,
  weekday(date) + 1 AS day_of_week,
  date_format(date, 'EEEE') AS day_name,
  year(add_months(date, (13 - ${fiscal_year_start_month}) % 12)) AS fiscal_year,
  CAST(ceil(fiscal_month / 3.0) AS INT) AS fiscal_quarter,
  fiscal_month,
  weekday(date) >= 5 AS is_weekend,
  holiday_name IS NOT NULL AS is_holiday,
  holiday_name,
  weekday(date) < 5 AND holiday_name IS NULL AS is_business_day,
  CAST(sum(CASE WHEN weekday(date) < 5 AND holiday_name IS NULL THEN 1 ELSE 0 END) OVER (ORDER BY date) AS INT)
    AS business_day_number
FROM cal
