WITH dims AS (
  SELECT employee_id, period_type, period, dimension, max(effective_dimension_weight) AS effective_dimension_weight,
         -- least() skips nulls: a dimension without data must stay null
         CASE WHEN count_if(has_data) > 0
              THEN least(CAST(100 AS DECIMAL(24, 8)), sum(CASE WHEN has_data THEN attainment * 100 * effective_kpi_weight END))
              END AS dimension_score
  FROM fct_employee_kpi
  GROUP BY 1, 2, 3, 4
),
per_employee AS (
  SELECT k.employee_id, k.period_type, k.period,
         any_value(k.employee_key) AS employee_key, any_value(k.period_start) AS period_start,
         any_value(k.period_end) AS period_end, any_value(k.role) AS role, any_value(k.team_id) AS team_id,
         any_value(k.career_stage) AS career_stage, any_value(k.plan_version) AS plan_version,
         any_value(k.plan_hash) AS plan_hash,
         count(*) AS kpi_count, count_if(k.has_data) AS kpis_with_data, count_if(k.is_reweighted) AS kpis_reweighted,
         CAST(sum(k.points) AS DECIMAL(12, 6)) AS points_total
  FROM fct_employee_kpi k
  GROUP BY 1, 2, 3
),
scored_all AS (
  SELECT e.*,
         CAST(max(CASE WHEN d.dimension = 'business_results' THEN d.dimension_score END) AS DECIMAL(5, 2))
           AS business_results_score,
         CAST(max(CASE WHEN d.dimension = 'collaboration' THEN d.dimension_score END) AS DECIMAL(5, 2)) AS collaboration_score,
         CAST(max(CASE WHEN d.dimension = 'customer_value' THEN d.dimension_score END) AS DECIMAL(5, 2)) AS customer_value_score,
         count(d.dimension_score) AS dimensions_with_data,
         CAST(CASE WHEN count(d.dimension_score) > 0
                   THEN greatest(0, least(100, sum(d.dimension_score * d.effective_dimension_weight))) END AS DECIMAL(5, 2))
           AS composite_score
  FROM per_employee e
  JOIN dims d USING (employee_id, period_type, period)
  GROUP BY ALL
),
scored AS (
  SELECT s.*, count(composite_score) OVER (PARTITION BY team_id, period_type, period) AS team_scored
  FROM scored_all s
)
SELECT employee_id, employee_key, period_type, period, period_start, period_end, role, team_id, career_stage,
       business_results_score, collaboration_score, customer_value_score, composite_score,
       -- a rank among one is no ranking: it is left empty
       CASE WHEN composite_score IS NOT NULL AND team_scored > 1 THEN
         dense_rank() OVER (PARTITION BY team_id, period_type, period, composite_score IS NULL ORDER BY composite_score DESC)
       END AS rank_in_team,
       team_scored,
       kpi_count, kpis_with_data, kpi_count - kpis_with_data AS kpis_without_data, kpis_reweighted, dimensions_with_data,
       points_total,
       plan_version, plan_hash
FROM scored
