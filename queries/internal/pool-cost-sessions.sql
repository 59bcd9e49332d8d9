-- cost-sessions.sql over a pool (--from): the same columns, and each session's machine.
SELECT session_id, file, model, start_time, input, output, total, messages, duration_ms, machine
FROM temp.selected
ORDER BY start_time, file;
