-- The largest sessions by a key from a fixed list (tokens, messages, duration), with their cost
-- parts (session-costs.sql); cost is ranked in Node, where billed ticks are added exactly.
SELECT s.session_id, s.file, s.name, s.model, s.start_time, s.input, s.output, s.total, s.messages,
       s.tool_calls, s.duration_ms, s.working_directory, k.exact_ticks, k.billed_calls,
       k.estimated_calls, k.unpriced_calls, k.unknown_calls, k.totals_only, k.estimated
FROM temp.selected s
LEFT JOIN temp.session_costs k USING (sid)
ORDER BY CASE $key WHEN 'messages' THEN s.messages WHEN 'duration' THEN coalesce(s.duration_ms, -1) ELSE s.total END DESC,
         s.start_time DESC
LIMIT $limit;
