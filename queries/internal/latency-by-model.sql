-- Reply latency and output speed per model (for stats --by model): the same measures as
-- latency.sql, grouped by the session's model.
SELECT s.model,
       median(m.reply_ms) AS median_ms,
       quantile_cont(m.reply_ms, 0.95) AS p95_ms,
       sum(m.output) FILTER (WHERE m.output IS NOT NULL AND m.reply_ms > 0) AS timed_output,
       sum(m.reply_ms) FILTER (WHERE m.output IS NOT NULL AND m.reply_ms > 0) AS timed_ms
FROM message_rows m
JOIN temp.selected s USING (sid)
WHERE m.reply_ms IS NOT NULL
GROUP BY s.model;
