-- latency-by-model.sql over a pool: from each session's summary (pool-latency.sql), by its model.
SELECT model,
       median(r) AS median_ms,
       quantile_cont(r, 0.95) AS p95_ms,
       any_value(timed_output) AS timed_output,
       any_value(timed_ms) AS timed_ms
FROM (SELECT model, unnest(reply_ms) AS r FROM temp.selected) l
JOIN (
  SELECT model, sum(timed_output) AS timed_output, sum(timed_ms) AS timed_ms
  FROM temp.selected GROUP BY model
) USING (model)
GROUP BY model;
