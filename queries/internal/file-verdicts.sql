-- Each live session file the index holds, as it was when read (size, mtime), whether it was a
-- session, and for one still marked active its id: what doctor needs of a file left unchanged.
SELECT coalesce(to_json(list({
  'path': f.path,
  'size': f.size::DOUBLE,
  'mtimeMs': f.mtime_ms,
  'ok': f.status = 'ok' AND s.sid IS NOT NULL,
  'active': coalesce(s.status = 'active', false),
  'sessionId': CASE WHEN s.status = 'active' THEN s.session_id END
}))::VARCHAR, '[]') AS files
FROM files f LEFT JOIN sessions s ON s.sid = f.sid
WHERE f.source = 'live'
