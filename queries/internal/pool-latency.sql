-- latency.sql over a pool: each session's reply latencies (reply_ms, a list) and its timed output
-- and time, from the session's summary; the percentiles are over every reply of the selection.
SELECT to_json(t)::VARCHAR AS latency
FROM (
  SELECT count(r) AS replies,
         median(r) AS median_ms,
         quantile_cont(r, 0.95) AS p95_ms,
         (SELECT sum(timed_output) FROM temp.selected) AS timed_output,
         (SELECT sum(timed_ms) FROM temp.selected) AS timed_ms
  FROM (SELECT unnest(reply_ms) AS r FROM temp.selected)
) t;
