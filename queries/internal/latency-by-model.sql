-- Reply latency per session model, for stats --by model: latency.sql's measures
-- (latency-measures.sql), grouped by the model of each reply's session.
SELECT s.model, unnest(reply_latency(m.reply_ms, m.output))
FROM message_rows m
JOIN temp.selected s USING (sid)
WHERE m.reply_ms IS NOT NULL
GROUP BY s.model;
