-- The file names of every live session, in the order of summary-sessions.sql, for the summary
-- (summary-index.ts): one text, the names joined by '/', which no file name holds.
SELECT coalesce(string_agg(s.file, '/' ORDER BY c.rowid NULLS LAST, s.sid), '') AS files
FROM sessions s
LEFT JOIN cost_rows c USING (sid)
WHERE s.source = 'live';
