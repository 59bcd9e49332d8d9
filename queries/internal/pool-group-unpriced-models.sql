-- pool-unpriced-models.sql over a pool read as groups (pool-group-costs.sql).
SELECT DISTINCT model
FROM temp.session_costs
WHERE unpriced_sessions > 0
ORDER BY model;
