WITH params AS (
  SELECT DATE'${as_of_date}' AS as_of_date,
         trunc(min(activity_date), 'QUARTER') AS first_data_quarter
  FROM stg_crm__activities
),
plans AS (
  SELECT p.plan_version, p.plan_hash, p.effective_from, p.effective_to, p.team_health_rebuild_below AS rebuild_below,
         max(CASE WHEN h.dimension = 'role_completeness' THEN h.points END) AS rc_points,
         max(CASE WHEN h.dimension = 'process_penetration' THEN h.points END) AS pp_points,
         max(CASE WHEN h.dimension = 'process_penetration' THEN h.min_stages END) AS min_stages,
         max(CASE WHEN h.dimension = 'process_penetration' THEN h.min_activities END) AS min_activities,
         max(CASE WHEN h.dimension = 'knowledge_vitality' THEN h.points END) AS kv_points,
         max(CASE WHEN h.dimension = 'knowledge_vitality' THEN h.target_per_member END) AS target_per_member,
         max(CASE WHEN h.dimension = 'data_acuity' THEN h.points END) AS da_points
  FROM cfg_scoring_plan p
  JOIN cfg_team_health h ON h.plan_version = p.plan_version
  GROUP BY p.plan_version, p.plan_hash, p.effective_from, p.effective_to, p.team_health_rebuild_below
),
quarters AS (
  SELECT p.*, q.quarter_start,
         date_sub(add_months(q.quarter_start, 3), 1) AS quarter_end,
         least(date_sub(add_months(q.quarter_start, 3), 1), a.as_of_date) AS snapshot_date,
         date_sub(add_months(q.quarter_start, 3), 1) <= a.as_of_date AS is_complete_quarter
  FROM plans p CROSS JOIN params a
  LATERAL VIEW explode(sequence(trunc(p.effective_from, 'QUARTER'),
                                greatest(trunc(p.effective_from, 'QUARTER'), trunc(least(p.effective_to, a.as_of_date), 'QUARTER')),
                                INTERVAL 3 MONTH)) q AS quarter_start
  WHERE q.quarter_start >= p.effective_from AND q.quarter_start <= p.effective_to AND q.quarter_start <= a.as_of_date
    AND q.quarter_start >= a.first_data_quarter
),
-- employees in post at the snapshot date, with the team path of their team then
members AS (
  SELECT q.quarter_start, e.employee_id, e.role, coalesce(t.path, e.team_id) AS path
  FROM quarters q
  JOIN dim_employee e
    ON e.valid_from < CAST(date_add(q.snapshot_date, 1) AS TIMESTAMP)
   AND (e.valid_to IS NULL OR e.valid_to >= CAST(date_add(q.snapshot_date, 1) AS TIMESTAMP))
  LEFT JOIN dim_team t ON t.team_id = e.team_id
  WHERE e.hire_date <= q.snapshot_date AND (e.termination_date IS NULL OR e.termination_date > q.snapshot_date)
    AND e.team_id IS NOT NULL
),
-- a member counts in their team and in every team above it
team_members AS (
  SELECT m.quarter_start, x.team_id, m.employee_id, m.role
  FROM members m LATERAL VIEW explode(split(m.path, '/')) x AS team_id
),
sizes AS (
  SELECT team_id, quarter_start, count(*) AS members FROM team_members GROUP BY team_id, quarter_start
),
roles AS (
  SELECT team_id, quarter_start, role, count(*) AS n FROM team_members GROUP BY team_id, quarter_start, role
),
completeness AS (
  SELECT r.team_id, r.quarter_start,
         sum(greatest(CAST(r.n AS DECIMAL(18, 0)) / s.members - coalesce(t.target_share, 0), 0)) AS misplaced_share,
         concat_ws(', ', sort_array(collect_list(concat(r.role, ' ', r.n)))) AS role_mix
  FROM roles r
  JOIN sizes s ON s.team_id = r.team_id AND s.quarter_start = r.quarter_start
  JOIN quarters q ON q.quarter_start = r.quarter_start
  LEFT JOIN cfg_team_role_target t ON t.plan_version = q.plan_version AND t.role = r.role
  GROUP BY r.team_id, r.quarter_start
),
closed AS (
  SELECT opportunity_id, owner_employee_id, close_date
  FROM stg_crm__opportunities
  WHERE close_date IS NOT NULL AND (is_closed OR stage IN ('closed_won', 'closed_lost'))
),
deal_people AS (
  SELECT opportunity_id, owner_employee_id AS employee_id FROM closed
  UNION
  SELECT m.opportunity_id, m.employee_id FROM stg_crm__opportunity_team_members m JOIN closed c ON c.opportunity_id = m.opportunity_id
),
deal_stages AS (
  SELECT h.opportunity_id, count(DISTINCT h.stage) AS stages
  FROM stg_crm__opportunity_stage_history h
  JOIN closed c ON c.opportunity_id = h.opportunity_id
  WHERE h.stage NOT IN ('closed_won', 'closed_lost') AND to_date(h.changed_at) <= c.close_date
  GROUP BY h.opportunity_id
),
deal_activities AS (
  SELECT a.opportunity_id, count(*) AS activities
  FROM stg_crm__activities a
  JOIN closed c ON c.opportunity_id = a.opportunity_id
  WHERE a.activity_date <= c.close_date
  GROUP BY a.opportunity_id
),
team_deals AS (
  SELECT DISTINCT tm.team_id, tm.quarter_start, c.opportunity_id
  FROM team_members tm
  JOIN quarters q ON q.quarter_start = tm.quarter_start
  JOIN deal_people p ON p.employee_id = tm.employee_id
  JOIN closed c ON c.opportunity_id = p.opportunity_id AND c.close_date BETWEEN q.quarter_start AND q.snapshot_date
),
penetration AS (
  SELECT d.team_id, d.quarter_start, count(*) AS closed_deals,
         count_if(coalesce(s.stages, 0) >= q.min_stages AND coalesce(a.activities, 0) >= q.min_activities) AS process_deals
  FROM team_deals d
  JOIN quarters q ON q.quarter_start = d.quarter_start
  LEFT JOIN deal_stages s ON s.opportunity_id = d.opportunity_id
  LEFT JOIN deal_activities a ON a.opportunity_id = d.opportunity_id
  GROUP BY d.team_id, d.quarter_start
),
knowledge AS (
  SELECT tm.team_id, tm.quarter_start, count(*) AS kb_contributions
  FROM team_members tm
  JOIN quarters q ON q.quarter_start = tm.quarter_start
  JOIN stg_crm__kb_contributions k
    ON k.employee_id = tm.employee_id AND k.contribution_date BETWEEN q.quarter_start AND q.snapshot_date
  GROUP BY tm.team_id, tm.quarter_start
),
-- the owner of an account at a date (its first version's owner before that)
owned_records AS (
  SELECT metric, record_id, any_value(d) AS d,
         coalesce(max_by(CASE WHEN a.valid_from <= CAST(r.d AS TIMESTAMP) THEN a.owner_employee_id END,
                         CASE WHEN a.valid_from <= CAST(r.d AS TIMESTAMP) THEN a.valid_from END),
                  min_by(a.owner_employee_id, a.valid_from)) AS employee_id
  FROM (SELECT 'contacts' AS metric, contact_id AS record_id, account_id, created_date AS d FROM stg_crm__contacts
        UNION ALL
        SELECT 'nps_responses', response_id, account_id, survey_date FROM stg_survey__nps_responses) r
  JOIN dim_account a ON a.account_id = r.account_id
  GROUP BY metric, record_id
),
records AS (
  SELECT 'activities' AS metric, employee_id, activity_date AS d FROM stg_crm__activities
  UNION ALL SELECT metric, employee_id, d FROM owned_records
  UNION ALL
  SELECT 'stage_history', o.owner_employee_id, to_date(h.changed_at)
  FROM stg_crm__opportunity_stage_history h JOIN stg_crm__opportunities o ON o.opportunity_id = h.opportunity_id
  UNION ALL SELECT 'delivery_milestones', project_manager_employee_id, coalesce(actual_date, planned_date) FROM stg_crm__delivery_milestones
  UNION ALL SELECT 'service_tickets', assigned_employee_id, to_date(opened_at) FROM stg_crm__service_tickets
  UNION ALL SELECT 'kb_contributions', employee_id, contribution_date FROM stg_crm__kb_contributions
  UNION ALL
  SELECT 'peer_reviews', reviewer_employee_id,
         make_date(CAST(substr(period, 1, 4) AS INT), CAST(substr(period, 7, 1) AS INT) * 3 - 2, 1)
  FROM stg_survey__peer_reviews WHERE period RLIKE '^[0-9]{4}-Q[1-4]$'
),
recorded AS (
  SELECT DISTINCT r.metric, r.employee_id, q.quarter_start
  FROM records r
  JOIN quarters q ON r.d BETWEEN q.quarter_start AND q.snapshot_date
  WHERE r.employee_id IS NOT NULL
),
acuity AS (
  SELECT tm.team_id, tm.quarter_start, count(*) AS acuity_pairs, count(r.metric) AS acuity_pairs_recorded
  FROM team_members tm
  JOIN quarters q ON q.quarter_start = tm.quarter_start
  JOIN cfg_team_health_metric m
    ON m.plan_version = q.plan_version AND (m.roles IS NULL OR array_contains(split(m.roles, ','), tm.role))
  LEFT JOIN recorded r ON r.metric = m.metric AND r.employee_id = tm.employee_id AND r.quarter_start = tm.quarter_start
  GROUP BY tm.team_id, tm.quarter_start
),
scored AS (
  SELECT s.team_id, q.*, s.members, c.role_mix, c.misplaced_share,
         coalesce(p.closed_deals, 0) AS closed_deals, coalesce(p.process_deals, 0) AS process_deals,
         coalesce(k.kb_contributions, 0) AS kb_contributions,
         a.acuity_pairs, a.acuity_pairs_recorded,
         CAST(round(q.rc_points * (1 - c.misplaced_share), 2) AS DECIMAL(5, 2)) AS role_completeness_score,
         CAST(round(CASE WHEN coalesce(p.closed_deals, 0) = 0 THEN 0
                         ELSE q.pp_points * p.process_deals / p.closed_deals END, 2) AS DECIMAL(5, 2)) AS process_penetration_score,
         CAST(round(q.kv_points * least(1, coalesce(k.kb_contributions, 0) / (s.members * q.target_per_member)), 2)
              AS DECIMAL(5, 2)) AS knowledge_vitality_score,
         CAST(round(q.da_points * a.acuity_pairs_recorded / a.acuity_pairs, 2) AS DECIMAL(5, 2)) AS data_acuity_score
  FROM sizes s
  JOIN quarters q ON q.quarter_start = s.quarter_start
  JOIN completeness c ON c.team_id = s.team_id AND c.quarter_start = s.quarter_start
  LEFT JOIN penetration p ON p.team_id = s.team_id AND p.quarter_start = s.quarter_start
  LEFT JOIN knowledge k ON k.team_id = s.team_id AND k.quarter_start = s.quarter_start
  LEFT JOIN acuity a ON a.team_id = s.team_id AND a.quarter_start = s.quarter_start
),
totalled AS (
  SELECT s.*,
         CAST(role_completeness_score + process_penetration_score + knowledge_vitality_score + data_acuity_score
              AS DECIMAL(6, 2)) AS total_score,
         rebuild_below / (rc_points + pp_points + kv_points + da_points) AS weak_share
  FROM scored s
)
SELECT t.team_id,
       d.team_key,
       d.team_name,
       d.team_type,
       d.level AS team_level,
       concat(year(t.quarter_start), '-Q', quarter(t.quarter_start)) AS quarter,
       t.quarter_start,
       t.quarter_end,
       t.snapshot_date,
       t.is_complete_quarter,
       t.members,
       t.role_mix,
       CAST(t.misplaced_share AS DECIMAL(7, 6)) AS misplaced_role_share,
       t.closed_deals,
       t.process_deals,
       t.kb_contributions,
       t.acuity_pairs,
       t.acuity_pairs_recorded,
       t.role_completeness_score,
       t.process_penetration_score,
       t.knowledge_vitality_score,
       t.data_acuity_score,
       t.total_score,
       t.rebuild_below,
       t.total_score < t.rebuild_below AS needs_rebuild,
       transform(filter(array_sort(array(
           named_struct('share', t.role_completeness_score / t.rc_points, 'dimension', 'role_completeness'),
           named_struct('share', t.process_penetration_score / t.pp_points, 'dimension', 'process_penetration'),
           named_struct('share', t.knowledge_vitality_score / t.kv_points, 'dimension', 'knowledge_vitality'),
           named_struct('share', t.data_acuity_score / t.da_points, 'dimension', 'data_acuity'))),
         x -> x.share < t.weak_share), x -> x.dimension) AS weakest_dimensions,
       array_join(transform(filter(array_sort(array(
           named_struct('share', t.role_completeness_score / t.rc_points, 'dimension', 'role_completeness'),
           named_struct('share', t.process_penetration_score / t.pp_points, 'dimension', 'process_penetration'),
           named_struct('share', t.knowledge_vitality_score / t.kv_points, 'dimension', 'knowledge_vitality'),
           named_struct('share', t.data_acuity_score / t.da_points, 'dimension', 'data_acuity'))),
         x -> x.share < t.weak_share), x -> x.dimension), ', ') AS weakest_dimensions_text,
       t.plan_version,
       t.plan_hash
FROM totalled t
LEFT JOIN dim_team d ON d.team_id = t.team_id
