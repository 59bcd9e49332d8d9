-- latency.sql over a pool: the percentiles over every reply latency of the selected sessions, and
-- their timed output and time, from each session's summary (temp.pool_values: pool.ts); `models`,
-- the same per session model (for stats --by model). pool-group-latency.sql: without them.
WITH v AS (
  SELECT model, grouping(model) = 1 AS overall, count(r) AS replies, median(r) AS median_ms,
         quantile_cont(r, 0.95) AS p95_ms
  FROM (SELECT model, unnest(reply_ms) AS r FROM temp.pool_values)
  GROUP BY GROUPING SETS ((), (model))
),
g AS (
  SELECT model, grouping(model) = 1 AS overall, sum(timed_output) AS timed_output,
         sum(timed_ms) AS timed_ms
  FROM temp.pool_values
  GROUP BY GROUPING SETS ((), (model))
)
SELECT to_json(t)::VARCHAR AS latency
FROM (
  SELECT a.replies, a.median_ms, a.p95_ms, b.timed_output, b.timed_ms,
         (SELECT coalesce(list({'model': m.model, 'replies': m.replies, 'median_ms': m.median_ms,
                                'p95_ms': m.p95_ms, 'timed_output': n.timed_output,
                                'timed_ms': n.timed_ms} ORDER BY m.model), [])
          FROM v m
          LEFT JOIN g n ON NOT n.overall AND n.model IS NOT DISTINCT FROM m.model
          WHERE NOT m.overall AND m.replies > 0) AS models
  FROM v a
  LEFT JOIN g b ON b.overall
  WHERE a.overall
) t;
