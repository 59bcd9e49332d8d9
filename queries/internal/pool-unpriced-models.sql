-- The models of the selected sessions with usage that has no price (cost's warning), by name.
SELECT DISTINCT s.model
FROM temp.selected s
JOIN temp.session_costs k USING (sid)
WHERE k.unpriced_calls > 0
ORDER BY s.model;
