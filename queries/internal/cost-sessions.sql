-- The selected sessions with their cost parts (session-costs.sql), oldest first, as one JSON array
-- (sql-files.ts: jsonArray): building hundreds of JS objects from rows cost more than the query.
-- The start is in epoch milliseconds (start_ms); the machine is a pool's (NULL for this one's).
SELECT coalesce(to_json(list({
         session_id: s.session_id, file: s.file, model: s.model,
         start_ms: epoch_ms(s.start_time), input: s.input, output: s.output, total: s.total,
         messages: s.messages, duration_ms: s.duration_ms, exact_ticks: k.exact_ticks,
         billed_calls: k.billed_calls, estimated_calls: k.estimated_calls,
         unpriced_calls: k.unpriced_calls, unknown_calls: k.unknown_calls,
         totals_only: k.totals_only, estimated: k.estimated, machine: s.machine
       } ORDER BY s.start_time, s.file))::VARCHAR, '[]') AS sessions
FROM temp.selected s
LEFT JOIN temp.session_costs k USING (sid);
