-- Reply latency over all the selected sessions (the measures: latency-measures.sql). One JSON
-- object.
SELECT to_json(reply_latency(m.reply_ms, m.output))::VARCHAR AS latency
FROM message_rows m
JOIN temp.selected_sids USING (sid)
WHERE m.reply_ms IS NOT NULL;
