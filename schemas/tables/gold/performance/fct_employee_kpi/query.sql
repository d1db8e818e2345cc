WITH params AS (
  -- the data's span: from the first month with an activity to the as-of date
  SELECT DATE'${as_of_date}' AS as_of_date,
         coalesce(trunc(min(activity_date), 'MM'), DATE'0001-01-01') AS data_from
  FROM stg_crm__activities
),
plans AS (
  SELECT plan_version, plan_hash, CAST(effective_from AS DATE) AS effective_from,
         coalesce(CAST(effective_to AS DATE), DATE'9999-12-31') AS effective_to
  FROM cfg_scoring_plan
),
bounds AS (
  SELECT greatest(trunc(min(p.effective_from), 'MM'), max(a.data_from)) AS first_month,
         trunc(max(a.as_of_date), 'MM') AS last_month
  FROM plans p CROSS JOIN params a
),
months AS (
  SELECT m AS month FROM bounds LATERAL VIEW explode(sequence(first_month, last_month, INTERVAL 1 MONTH)) s AS m
  WHERE first_month <= last_month
),
periods AS (
  SELECT 'month' AS period_type, date_format(month, 'yyyy-MM') AS period, month AS period_start, last_day(month) AS period_end
  FROM months
  UNION
  SELECT 'quarter', concat(year(month), '-Q', quarter(month)), make_date(year(month), 3 * quarter(month) - 2, 1),
         last_day(make_date(year(month), 3 * quarter(month), 1))
  FROM months
  UNION
  SELECT 'year', CAST(year(month) AS STRING), make_date(year(month), 1, 1), make_date(year(month), 12, 31)
  FROM months
),
plan_periods AS (
  SELECT pe.*, pl.plan_version, pl.plan_hash
  FROM periods pe
  CROSS JOIN params a
  JOIN plans pl ON pe.period_start BETWEEN pl.effective_from AND pl.effective_to
  WHERE pe.period_end <= a.as_of_date AND pe.period_start >= a.data_from
),
frame AS (
  SELECT p.period_type, p.period, p.period_start, p.period_end, p.plan_version, p.plan_hash,
         e.employee_id, e.employee_key, e.role, e.team_id, e.hire_date, c.career_stage,
         w.dimension, CAST(w.dimension_weight AS DECIMAL(12, 8)) AS dimension_weight, w.kpi,
         CAST(w.kpi_weight AS DECIMAL(12, 8)) AS kpi_weight, CAST(w.composite_weight AS DECIMAL(12, 8)) AS composite_weight,
         k.target_source, k.target_metric, CAST(k.target_value AS DECIMAL(24, 6)) AS target_value,
         CAST(k.cap AS DECIMAL(12, 6)) AS cap,
         CAST(months_between(date_add(p.period_end, 1), p.period_start) AS INT) AS period_months
  FROM plan_periods p
  JOIN dim_employee e
    ON e.valid_from < CAST(date_add(p.period_end, 1) AS TIMESTAMP)
   AND (e.valid_to IS NULL OR e.valid_to >= CAST(date_add(p.period_end, 1) AS TIMESTAMP))
  JOIN cfg_career_stage c
    ON c.plan_version = p.plan_version
   AND add_months(e.hire_date, c.from_months) <= p.period_end
   AND (c.to_months IS NULL OR add_months(e.hire_date, c.to_months) > p.period_end)
  JOIN cfg_scoring_weight w
    ON w.plan_version = p.plan_version AND w.role = e.role AND w.career_stage = c.career_stage
  JOIN cfg_scoring_kpi k ON k.plan_version = p.plan_version AND k.kpi = w.kpi
  WHERE e.hire_date <= p.period_end
    AND (e.termination_date IS NULL OR e.termination_date >= p.period_end)
),
-- how each KPI's evidence makes its value
kinds AS (
  SELECT * FROM VALUES
    ('bookings_attainment', 'sum'), ('assisted_bookings', 'sum'), ('activities', 'sum'), ('new_key_contacts', 'sum'),
    ('assists', 'count'), ('kb_contributions', 'count'), ('strategic_accounts', 'count_among'),
    ('collection_rate', 'ratio'), ('on_time_delivery', 'ratio'), ('ticket_sla', 'ratio'),
    ('decision_chain_coverage', 'ratio'), ('renewal_rate', 'ratio'), ('peer_review', 'ratio'), ('csat', 'ratio'),
    ('nps_owned', 'nps'), ('account_growth', 'growth')
    AS t(kpi, kind)
),
-- period_end goes along in every grouping, window and join below (a period's end is fixed by its type and name), so
-- a build by period (on period_end) reads and computes only the periods it replaces
evidence AS (
  SELECT employee_id, period_type, period, period_end, kpi, count(*) AS evidence_rows,
         CAST(sum(numerator) AS DECIMAL(24, 6)) AS numerator, CAST(sum(denominator) AS DECIMAL(24, 6)) AS denominator,
         nullif(concat_ws('+', array_sort(collect_set(book_basis))), '') AS book_basis
  FROM bdg_kpi_evidence
  WHERE kpi <> 'nps_owned'
  GROUP BY 1, 2, 3, 4, 5
  UNION ALL
  -- the NPS of a book is read over the ${nps_window_months} months to the period's end (the whole period when longer): a
  -- quarter gives an owner's accounts too few responses for a score worth reading
  SELECT n.employee_id, n.period_type, n.period, n.period_end, 'nps_owned', count(*),
         CAST(sum(b.numerator) AS DECIMAL(24, 6)), CAST(sum(b.denominator) AS DECIMAL(24, 6)),
         nullif(concat_ws('+', array_sort(collect_set(b.book_basis))), '')
  FROM (SELECT DISTINCT employee_id, period_type, period, period_start, period_end FROM frame WHERE kpi = 'nps_owned') n
  JOIN bdg_kpi_evidence b
    ON b.employee_id = n.employee_id AND b.kpi = 'nps_owned' AND b.period_type = 'month'
   AND b.period_start >= least(n.period_start, add_months(trunc(n.period_end, 'MM'), 1 - ${nps_window_months}))
   AND b.period_end <= n.period_end
  GROUP BY 1, 2, 3, 4
),
targets AS (
  SELECT f.employee_id, f.period_type, f.period, f.period_end, f.kpi,
         sum(CASE WHEN t.metric IN ('bookings', 'collections', 'renewals') THEN t.target_value_rpt ELSE t.target_value END)
           AS target
  FROM frame f
  JOIN stg_crm__targets t
    ON t.employee_id = f.employee_id AND t.metric = f.target_metric
   AND trunc(t.period_month, 'MM') BETWEEN f.period_start AND f.period_end
  WHERE f.target_source = 'targets'
  GROUP BY 1, 2, 3, 4, 5
),
measured AS (
  SELECT f.*, k.kind,
         coalesce(e.evidence_rows, 0) AS evidence_rows,
         coalesce(e.numerator, CAST(0 AS DECIMAL(24, 6))) AS numerator,
         coalesce(e.denominator, CAST(0 AS DECIMAL(24, 6))) AS denominator,
         e.book_basis,
         CAST(CASE WHEN f.target_source = 'targets' THEN t.target
                   WHEN k.kind IN ('count', 'count_among')
                     THEN CAST(f.target_value AS DECIMAL(20, 10)) * f.period_months / ${count_target_months}
                   ELSE f.target_value END AS DECIMAL(28, 12)) AS target
  FROM frame f
  LEFT JOIN kinds k ON k.kpi = f.kpi
  LEFT JOIN evidence e
    ON e.employee_id = f.employee_id AND e.period_type = f.period_type AND e.period = f.period AND e.period_end = f.period_end
   AND e.kpi = f.kpi
  LEFT JOIN targets t
    ON t.employee_id = f.employee_id AND t.period_type = f.period_type AND t.period = f.period AND t.period_end = f.period_end
   AND t.kpi = f.kpi
),
valued AS (
  SELECT m.*,
         CAST(CASE WHEN kind IN ('sum', 'count') THEN numerator
                   WHEN kind = 'count_among' AND denominator > 0 THEN numerator
                   WHEN kind IN ('ratio', 'nps') AND denominator > 0 THEN numerator / denominator
                   WHEN kind = 'growth' AND denominator > 0 THEN (numerator - denominator) / denominator END
              AS DECIMAL(28, 12)) AS value,
         kind IS NOT NULL AND coalesce(target, 0) > 0
           AND (kind IN ('sum', 'count') OR denominator > 0) AS has_data
  FROM measured m
),
attained AS (
  SELECT v.*,
         CASE WHEN has_data THEN
           greatest(CAST(0 AS DECIMAL(12, 6)), least(cap,
             CASE WHEN kpi = 'nps_owned' THEN (value + 100) / (target + 100) ELSE value / target END)) END AS attainment_raw,
         sum(CASE WHEN has_data THEN kpi_weight END)
           OVER (PARTITION BY employee_id, period_type, period, period_end, dimension) AS dimension_weight_with_data,
         count_if(NOT has_data) OVER (PARTITION BY employee_id, period_type, period, period_end, dimension)
           AS kpis_without_data_in_dimension
  FROM valued v
),
dimensions AS (
  SELECT employee_id, period_type, period, period_end, dimension, max(dimension_weight) AS dimension_weight,
         max(dimension_weight_with_data) IS NOT NULL AS dimension_has_data
  FROM attained
  GROUP BY 1, 2, 3, 4, 5
),
dimension_totals AS (
  SELECT employee_id, period_type, period, period_end, sum(CASE WHEN dimension_has_data THEN dimension_weight END)
           AS weight_with_data,
         count_if(NOT dimension_has_data) AS dimensions_without_data
  FROM dimensions
  GROUP BY 1, 2, 3, 4
),
weighted AS (
  SELECT a.*, d.dimension_has_data, t.dimensions_without_data,
         CAST(CASE WHEN a.has_data THEN a.kpi_weight / a.dimension_weight_with_data END AS DECIMAL(12, 8)) AS effective_kpi_weight,
         CAST(CASE WHEN d.dimension_has_data THEN a.dimension_weight / t.weight_with_data END AS DECIMAL(12, 8))
           AS effective_dimension_weight
  FROM attained a
  JOIN dimensions d USING (employee_id, period_type, period, period_end, dimension)
  JOIN dimension_totals t USING (employee_id, period_type, period, period_end)
)
SELECT employee_id, employee_key, period_type, period, period_start, period_end, role, team_id, career_stage, kpi, dimension,
       target_source, target_metric,
       CAST(value AS DECIMAL(24, 6)) AS value,
       CAST(target AS DECIMAL(24, 6)) AS target,
       cap,
       CAST(attainment_raw AS DECIMAL(12, 6)) AS attainment,
       dimension_weight, kpi_weight, composite_weight,
       effective_dimension_weight, effective_kpi_weight,
       CAST(effective_kpi_weight * effective_dimension_weight AS DECIMAL(12, 8)) AS effective_composite_weight,
       CAST(attainment_raw * 100 * effective_kpi_weight * effective_dimension_weight AS DECIMAL(12, 6)) AS points,
       evidence_rows,
       CAST(numerator AS DECIMAL(24, 6)) AS numerator,
       CAST(denominator AS DECIMAL(24, 6)) AS denominator,
       has_data,
       book_basis,
       has_data AND (kpis_without_data_in_dimension > 0 OR dimensions_without_data > 0) AS is_reweighted,
       CASE WHEN NOT has_data THEN 'no data in the period: left out, its weight goes to the other KPIs of ' || dimension
            WHEN kpis_without_data_in_dimension > 0 AND dimensions_without_data > 0
              THEN 're-weighted: other KPIs of its dimension and another dimension have no data'
            WHEN kpis_without_data_in_dimension > 0 THEN 're-weighted: another KPI of its dimension has no data'
            WHEN dimensions_without_data > 0 THEN 're-weighted: another dimension has no data'
            ELSE 'as planned' END AS weight_note,
       plan_version, plan_hash
FROM weighted
