-- latency.sql over a pool read as groups: the percentiles over every reply latency of the
-- sessions (temp.pool_values, in one pass: one sort), the timed output and time summed from the
-- groups. Not by model (pool-latency.sql).
SELECT to_json(t)::VARCHAR AS latency
FROM (
  SELECT v.replies, v.q[1] AS median_ms, v.q[2] AS p95_ms, g.timed_output, g.timed_ms
  FROM (
    SELECT count(r) AS replies, quantile_cont(r, [0.5, 0.95]) AS q
    FROM (SELECT unnest(reply_ms) AS r FROM temp.pool_values)
  ) v,
  (
    SELECT sum(timed_output) AS timed_output, sum(timed_ms) AS timed_ms
    FROM temp.pool_groups
    WHERE grain = 'session'
  ) g
) t;
