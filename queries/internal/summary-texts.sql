-- The live sessions that have any of these texts, for the summary (summary-index.ts), by sid: the
-- session's id where it is not the file's name without `.json`, the path of a session marked
-- active (active-sessions.sql), its tags where it has some (as JSON) and its billed ticks.
SELECT sid, id, path, tags, ticks
FROM (
  SELECT s.sid,
         CASE WHEN s.session_id || '.json' <> s.file THEN s.session_id END AS id,
         CASE WHEN s.status = 'active' THEN f.path END AS path,
         CASE WHEN len(s.tags) > 0 THEN to_json(s.tags)::VARCHAR END AS tags,
         c.exact_ticks AS ticks
  FROM sessions s
  JOIN files f USING (sid)
  LEFT JOIN cost_rows c USING (sid)
  WHERE s.source = 'live'
)
WHERE id IS NOT NULL OR path IS NOT NULL OR tags IS NOT NULL OR ticks IS NOT NULL;
