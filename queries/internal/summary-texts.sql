-- The texts of every live session for the summary (summary-index.ts), in the order of
-- summary-sessions.sql, as one JSON object of lists: the file's name; the session's id where it is
-- not the file's name without `.json`, the path of a session marked active (active-sessions.sql),
-- its tags where it has some and its billed ticks where it has any, null where not.
SELECT to_json({
  files: coalesce(list(s.file ORDER BY c.rowid NULLS LAST, s.sid), []),
  ids: coalesce(list(CASE WHEN s.session_id || '.json' <> s.file THEN s.session_id END
                     ORDER BY c.rowid NULLS LAST, s.sid), []),
  paths: coalesce(list(CASE WHEN s.status = 'active' THEN f.path END
                       ORDER BY c.rowid NULLS LAST, s.sid), []),
  tags: coalesce(list(CASE WHEN len(s.tags) > 0 THEN s.tags END
                      ORDER BY c.rowid NULLS LAST, s.sid), []),
  ticks: coalesce(list(c.exact_ticks ORDER BY c.rowid NULLS LAST, s.sid), [])
})::VARCHAR AS texts
FROM sessions s
JOIN files f USING (sid)
LEFT JOIN cost_rows c USING (sid)
WHERE s.source = 'live';
