-- models.sql over a pool read as groups (pool-group-costs.sql): sessions and tokens per model,
-- most tokens first.
SELECT coalesce(to_json(list(t ORDER BY t.total DESC, t.model))::VARCHAR, '[]') AS models
FROM (
  SELECT model,
         sum(sessions) AS sessions,
         sum(messages) AS messages,
         sum(input) AS input,
         sum(output) AS output,
         sum(total) AS total,
         sum(cached_input) AS cached_input,
         sum(reasoning) AS reasoning,
         sum(unknown_calls) AS unknown_calls
  FROM temp.session_costs
  GROUP BY model
) t;
