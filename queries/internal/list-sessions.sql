-- What `grok sessions list` shows, from the index instead of every file.
SELECT file, session_id, name, tags, start_time, end_time, model, messages, tool_calls,
       input, output, total, working_directory, duration_ms
FROM temp.selected;
