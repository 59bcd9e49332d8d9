-- Case-insensitive substring search over message content and tool calls, newest first.
-- Tool calls (name, parameters, head of the result) count as role 'tool'.
WITH hits AS (
  SELECT m.sid, m.seq, NULL::INTEGER AS idx, m.role, coalesce(m.ts, s.start_time) AS at,
         'message' AS kind, NULL::VARCHAR AS tool, m.content AS text
  FROM messages m JOIN temp.selected s USING (sid)
  WHERE ($role::VARCHAR IS NULL OR m.role = $role::VARCHAR)
    AND m.content IS NOT NULL AND strpos(lower(m.content), $needle) > 0
  UNION ALL
  SELECT t.sid, t.seq, t.idx, 'tool' AS role, coalesce(m.ts, s.start_time) AS at,
         'toolCall' AS kind, t.tool,
         t.tool || ' ' || coalesce(t.parameters, '') || ' ' || coalesce(t.result, '') AS text
  FROM tool_calls t JOIN temp.selected s USING (sid)
  JOIN messages m ON m.sid = t.sid AND m.seq = t.seq
  WHERE ($role::VARCHAR IS NULL OR $role::VARCHAR = 'tool')
    AND strpos(lower(t.tool || ' ' || coalesce(t.parameters, '') || ' ' || coalesce(t.result, '')), $needle) > 0
)
SELECT h.*, s.session_id, s.file, s.name AS session_name, s.model, count(*) OVER () AS matches
FROM hits h JOIN temp.selected s USING (sid)
ORDER BY h.at DESC, h.sid DESC, h.seq DESC, h.idx DESC NULLS LAST
LIMIT $limit;
