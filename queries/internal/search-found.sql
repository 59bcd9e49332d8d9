-- The rows of temp.search_hits in the shape and order of search.sql: newest first, tool calls
-- counting as role 'tool', the number of all matches beside each.
WITH hits AS (
  SELECT h.sid, h.seq, NULL::INTEGER AS idx, m.role, coalesce(m.ts, s.start_time) AS at,
         'message' AS kind, NULL::VARCHAR AS tool, h.text
  FROM temp.search_hits h JOIN message_rows m USING (sid, seq) JOIN temp.selected s USING (sid)
  WHERE h.idx IS NULL AND ($role::VARCHAR IS NULL OR m.role = $role::VARCHAR)
  UNION ALL
  SELECT h.sid, h.seq, h.idx, 'tool' AS role, coalesce(m.ts, s.start_time) AS at,
         'toolCall' AS kind, t.tool, h.text
  FROM temp.search_hits h JOIN tool_call_rows t USING (sid, seq, idx)
  JOIN message_rows m USING (sid, seq) JOIN temp.selected s USING (sid)
  WHERE h.idx IS NOT NULL AND ($role::VARCHAR IS NULL OR $role::VARCHAR = 'tool')
)
SELECT h.*, s.session_id, s.file, s.name AS session_name, s.model, count(*) OVER () AS matches
FROM hits h JOIN temp.selected s USING (sid)
ORDER BY h.at DESC, h.sid DESC, h.seq DESC, h.idx DESC NULLS LAST
LIMIT $limit
