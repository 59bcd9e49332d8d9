-- stats-totals.sql over a pool read as groups (pool-group-costs.sql): the sums from the groups,
-- the duration percentiles from each session's duration (temp.pool_values).
SELECT to_json(t)::VARCHAR AS totals
FROM (
  SELECT coalesce(sum(sessions), 0) AS sessions,
         coalesce(sum(messages), 0) AS messages,
         coalesce(sum(tool_calls), 0) AS tool_calls,
         coalesce(sum(input), 0) AS input,
         coalesce(sum(output), 0) AS output,
         coalesce(sum(total), 0) AS total,
         sum(duration_sum) / nullif(sum(durations), 0) AS avg_duration_ms,
         any_value(d.q[1]) AS median_duration_ms,
         any_value(d.q[2]) AS p95_duration_ms,
         coalesce(sum(sessions) FILTER (WHERE interrupted), 0) AS interrupted,
         coalesce(sum(sessions) FILTER (
           WHERE NOT interrupted AND (status IS NULL OR status = 'ended')), 0) AS ended
  FROM temp.pool_groups,
       -- both percentiles in one pass: one sort
       (SELECT quantile_cont(duration_ms, [0.5, 0.95]) AS q FROM temp.pool_values) d
  WHERE grain = 'session'
) t;
