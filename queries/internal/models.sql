-- Sessions and tokens per model over the selected sessions, most tokens first, as one JSON array.
SELECT coalesce(to_json(list(t ORDER BY t.total DESC, t.model))::VARCHAR, '[]') AS models
FROM (
  SELECT model,
         count(*) AS sessions,
         sum(messages) AS messages,
         sum(input) AS input,
         sum(output) AS output,
         sum(total) AS total
  FROM temp.selected
  GROUP BY model
) t;
