-- A month of the pool's sessions table (pool-schema.ts): the live sessions as they are now, each
-- with its summary (pool-export-summary.sql); pool-export.ts adds the carried ones as they were.
SELECT $version::INTEGER AS schema_version, s.session_id, $exported_at::TIMESTAMPTZ AS exported_at,
       s.file,
       CASE WHEN l.sid IS NULL THEN s.name ELSE l.name END AS name,
       CASE WHEN l.sid IS NULL THEN s.tags ELSE from_json(l.tags_json, '["VARCHAR"]') END AS tags,
       s.start_time, s.end_time, s.last_activity, s.duration_ms, s.model, s.status,
       s.working_directory, s.messages, s.tool_calls, s.input, s.output, s.total, s.interrupted,
       n.cost_estimated_usd, n.cost_exact_usd, $text::VARCHAR AS text,
       n.file_size, n.file_mtime_ms, x.reply_ms, x.timed_output, x.timed_ms, x.tools, x.usage
FROM temp.selected s
JOIN temp.export_now n USING (sid)
JOIN temp.export_summary x USING (sid)
LEFT JOIN temp.export_labels l USING (sid)
WHERE n.month = $month::VARCHAR
