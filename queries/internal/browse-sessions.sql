-- The rows of the session browser (grok sessions browse), as one JSON array (jsonArray in
-- src/analytics/sql-files.ts): each selected session with what its list line and preview show,
-- newest first, with its cost (temp.session_costs, queries/internal/session-costs.sql): billed
-- and estimated parts added as costOfParts in src/analytics/pricing.ts adds them, NULL when
-- nothing of it was billed or priced, and whether any of it is an estimate. Computed here: the
-- same in JavaScript over 10,000 rows cost more than the query. An archived session names its
-- archive.
SELECT to_json(coalesce(list({
  'file': s.file,
  'archive': CASE WHEN s.source = 'archive' THEN f.path END,
  'sessionId': s.session_id,
  'name': s.name,
  'tags': coalesce(s.tags, []),
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
  'cost': CASE WHEN coalesce(c.billed_calls, 0) = 0 AND coalesce(c.estimated_calls, 0) = 0
                    AND coalesce(c.unpriced_calls, 0) > 0 THEN NULL
               ELSE coalesce(c.exact_ticks::HUGEINT, 0)::DOUBLE / 1e10 + coalesce(c.estimated, 0)
          END,
  'costEstimated': coalesce(c.estimated_calls, 0) > 0 OR coalesce(c.totals_only, false)
} ORDER BY epoch_ms(s.start_time) DESC, s.file DESC), []))::VARCHAR AS rows
FROM temp.selected s
JOIN files f USING (sid)
LEFT JOIN browse_rows b USING (sid)
LEFT JOIN temp.session_costs c USING (sid);
