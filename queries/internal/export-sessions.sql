-- The sessions table of a csv or jsonl export; names and tags as temp.export_labels has them
-- (redacted unless --no-redact).
SELECT strftime(s.start_time, '%Y-%m') AS month, s.session_id, s.file, s.source,
       CASE WHEN l.sid IS NULL THEN s.name ELSE l.name END AS name,
       CASE WHEN l.sid IS NULL THEN s.tags ELSE from_json(l.tags_json, '["VARCHAR"]') END AS tags,
       s.start_time, s.end_time, s.last_activity, s.duration_ms, s.model, s.status,
       s.working_directory, s.messages, s.tool_calls, s.input, s.output, s.total, s.interrupted
FROM temp.selected s
LEFT JOIN temp.export_labels l USING (sid)
ORDER BY s.start_time, s.file
