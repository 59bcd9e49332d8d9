-- Sessions and tokens per model over the selected sessions, most tokens first, as one JSON array,
-- with the cached input, reasoning and calls of unknown usage of session-costs.sql.
SELECT coalesce(to_json(list(t ORDER BY t.total DESC, t.model))::VARCHAR, '[]') AS models
FROM (
  SELECT model,
         count(*) AS sessions,
         sum(messages) AS messages,
         sum(input) AS input,
         sum(output) AS output,
         sum(total) AS total,
         sum(k.cached_input) AS cached_input,
         sum(k.reasoning) AS reasoning,
         sum(k.unknown_calls) AS unknown_calls
  FROM temp.selected
  LEFT JOIN temp.session_costs k USING (sid)
  GROUP BY model
) t;
