-- Reply latency: from a user message to the assistant message right after it (computed at
-- index time), and output tokens per second where the reply has its own usage. One JSON object.
SELECT to_json(t)::VARCHAR AS latency
FROM (
  SELECT count(m.reply_ms) AS replies,
         median(m.reply_ms) AS median_ms,
         quantile_cont(m.reply_ms, 0.95) AS p95_ms,
         sum(m.output) FILTER (WHERE m.output IS NOT NULL AND m.reply_ms > 0) AS timed_output,
         sum(m.reply_ms) FILTER (WHERE m.output IS NOT NULL AND m.reply_ms > 0) AS timed_ms
  FROM message_rows m
  JOIN temp.selected s USING (sid)
  WHERE m.reply_ms IS NOT NULL
) t;
