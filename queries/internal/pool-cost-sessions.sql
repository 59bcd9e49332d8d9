-- cost-sessions.sql over a pool (--from): the same fields, and each session's machine.
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
