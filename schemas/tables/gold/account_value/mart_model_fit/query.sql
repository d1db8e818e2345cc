WITH fits AS (
  SELECT 'fct_account_clv' AS model_table, f FROM fct_account_clv LATERAL VIEW explode(_model_fits) x AS f
  UNION ALL
  SELECT 'mart_retention_projection', f FROM mart_retention_projection LATERAL VIEW explode(_model_fits) x AS f),
one AS (SELECT model_table, any_value(f) AS fit FROM fits GROUP BY model_table, f.fit_key)
SELECT fit.fit_key, model_table, fit.model, fit.segment, fit.as_of_date, fit.parameters,
       array_join(transform(map_entries(fit.parameters), e -> concat(e.key, '=', format_number(e.value, 4))), ', ')
         AS parameters_text,
       fit.log_likelihood, fit.sample_size, fit.converged, fit.iterations, fit.evaluations, fit.fit_seconds,
       fit.parameters_from, fit.message
FROM one
