-- The totals of the selected sessions, as one JSON object (sql-files.ts: jsonValues).
SELECT to_json(t)::VARCHAR AS totals
FROM (
  SELECT count(*) AS sessions,
         coalesce(sum(messages), 0) AS messages,
         coalesce(sum(tool_calls), 0) AS tool_calls,
         coalesce(sum(input), 0) AS input,
         coalesce(sum(output), 0) AS output,
         coalesce(sum(total), 0) AS total,
         avg(duration_ms) AS avg_duration_ms,
         median(duration_ms) AS median_duration_ms,
         quantile_cont(duration_ms, 0.95) AS p95_duration_ms,
         count(*) FILTER (WHERE interrupted) AS interrupted,
         count(*) FILTER (WHERE NOT interrupted AND (status IS NULL OR status = 'ended')) AS ended
  FROM temp.selected
) t;
