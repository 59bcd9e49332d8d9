SELECT strftime(start_time, '%Y-%m') AS month, session_id, file, source, name, tags, start_time,
       end_time, last_activity, duration_ms, model, status, working_directory, messages,
       tool_calls, input, output, total, interrupted
FROM temp.selected
ORDER BY start_time, file
