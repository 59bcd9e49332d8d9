-- cost-sessions.sql over a pool (--from): the same columns, and each session's machine.
SELECT s.sid, s.session_id, s.file, s.model, s.start_time, s.input, s.output, s.total, s.messages,
       s.duration_ms, k.exact_ticks, k.billed_calls, k.estimated_calls, k.unpriced_calls,
       k.unknown_calls, k.totals_only, k.estimated, s.machine
FROM temp.selected s
LEFT JOIN temp.session_costs k USING (sid)
ORDER BY s.start_time, s.file;
