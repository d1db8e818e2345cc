WITH RECURSIVE tree (team_id, root_team_id, level, path) AS (
  SELECT t.team_id, t.team_id, 1, t.team_id
  FROM stg_crm__teams t
  WHERE t.parent_team_id IS NULL
     OR NOT EXISTS (SELECT 1 FROM stg_crm__teams p WHERE p.team_id = t.parent_team_id)
  UNION ALL
  SELECT c.team_id, tree.root_team_id, tree.level + 1, concat(tree.path, '/', c.team_id)
  FROM stg_crm__teams c
  JOIN tree ON c.parent_team_id = tree.team_id
  WHERE tree.level < 20
)
SELECT xxhash64(t.team_id) AS team_key,
       t.team_id,
       t.team_name,
       t.team_type,
       t.region,
       t.parent_team_id,
       t.manager_employee_id,
       tree.level,
       tree.root_team_id,
       r.team_name AS root_team_name,
       tree.path,
       t.created_date
FROM stg_crm__teams t
LEFT JOIN tree ON tree.team_id = t.team_id
LEFT JOIN stg_crm__teams r ON r.team_id = tree.root_team_id
