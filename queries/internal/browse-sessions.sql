-- The rows of the session browser (grok sessions browse), as one JSON array (jsonArray in
-- src/analytics/sql-files.ts): each selected session with what its list line and preview show,
-- newest first, with its cost parts (session-costs.sql). An archived session names its archive in `path`.
SELECT to_json(coalesce(list({
  'file': s.file,
  'archive': CASE WHEN s.source = 'archive' THEN f.path END,
  'sessionId': s.session_id,
  'name': s.name,
  'tags': s.tags,
  'startTime': strftime(s.start_time, '%Y-%m-%dT%H:%M:%S.%gZ'),
  'lastActivity': strftime(s.last_activity, '%Y-%m-%dT%H:%M:%S.%gZ'),
  'durationMs': s.duration_ms::DOUBLE,
  'model': s.model,
  'status': s.status,
  'workingDirectory': s.working_directory,
  'messages': s.messages,
  'toolCalls': s.tool_calls,
  'input': s.input::DOUBLE,
  'output': s.output::DOUBLE,
  'total': s.total::DOUBLE,
  'interrupted': s.interrupted,
  'firstUser': b.first_user,
  'exactTicks': k.exact_ticks::VARCHAR,
  'estimated': k.estimated,
  'billedCalls': k.billed_calls,
  'estimatedCalls': k.estimated_calls,
  'unpricedCalls': k.unpriced_calls
} ORDER BY epoch_ms(s.start_time) DESC, s.file DESC), []))::VARCHAR AS rows
FROM temp.selected s
JOIN files f USING (sid)
LEFT JOIN browse_rows b USING (sid)
LEFT JOIN temp.session_costs k USING (sid);
