-- What `grok sessions list` shows, from the index instead of every file: one JSON array built by
-- DuckDB (newest first), because converting thousands of rows value by value into JS objects
-- costs more than the query itself.
SELECT coalesce(to_json(list(json_object(
         'file', file,
         'session_id', session_id,
         'name', name,
         'tags', tags,
         'start_time', strftime(start_time, '%Y-%m-%dT%H:%M:%S.%gZ'),
         'end_time', strftime(end_time, '%Y-%m-%dT%H:%M:%S.%gZ'),
         'model', model,
         'messages', messages,
         'tool_calls', tool_calls,
         'input', input,
         'output', output,
         'total', total,
         'working_directory', working_directory,
         'duration_ms', duration_ms
       ) ORDER BY start_time DESC, file DESC))::VARCHAR, '[]') AS sessions
FROM temp.selected;
