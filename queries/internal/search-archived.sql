-- The rows of the selected archived sessions whose text holds $needle, as search.sql finds them:
-- their text is in the index, read with them from the archive.
INSERT INTO temp.search_hits
SELECT m.sid, m.seq, NULL, m.content
FROM messages m
WHERE m.sid IN (SELECT sid FROM temp.selected WHERE source = 'archive')
  AND m.content IS NOT NULL AND strpos(lower(m.content), $needle) > 0
UNION ALL
SELECT t.sid, t.seq, t.idx,
       t.tool || ' ' || coalesce(t.parameters, '') || ' ' || coalesce(t.result, '')
FROM tool_calls t
WHERE t.sid IN (SELECT sid FROM temp.selected WHERE source = 'archive')
  AND strpos(lower(t.tool || ' ' || coalesce(t.parameters, '') || ' ' || coalesce(t.result, '')), $needle) > 0
