SELECT session_id, file, model, start_time, input, output, total, messages, duration_ms
FROM temp.selected
ORDER BY start_time, file;
