-- The largest sessions by a key from a fixed list (tokens, messages, duration); cost is ranked in Node.
SELECT session_id, file, name, model, start_time, input, output, total, messages, tool_calls, duration_ms, working_directory
FROM temp.selected
ORDER BY CASE $key WHEN 'messages' THEN messages WHEN 'duration' THEN coalesce(duration_ms, -1) ELSE total END DESC,
         start_time DESC
LIMIT $limit;
