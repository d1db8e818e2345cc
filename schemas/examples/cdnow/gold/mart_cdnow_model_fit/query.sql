SELECT fit.fit_key, 'fct_cdnow_customer_value' AS model_table, fit.model, fit.segment, fit.as_of_date, fit.parameters,
       fit.log_likelihood, fit.sample_size, fit.converged, fit.iterations, fit.evaluations, fit.fit_seconds,
       fit.parameters_from, fit.message
FROM (SELECT any_value(f) AS fit FROM fct_cdnow_customer_value LATERAL VIEW explode(_model_fits) x AS f GROUP BY f.fit_key)
