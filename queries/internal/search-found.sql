-- The rows of temp.search_hits in the shape and order of search.sql: newest first, tool calls
-- counting as role 'tool', the number of all matches beside each; and each row's time in epoch
-- microseconds, at_us (a double: exact), which a search reading the newest sessions first
-- compares with search-newest.sql's (search-index.ts), and leaves out of its answer.
-- The message and tool call rows of the hits are picked out first, each by a semi join, which
-- DuckDB builds on the hits: joined straight, the planner's estimates had it build a hash table
-- of every message row to probe with the tool calls hit (36-48 ms of the statement's 55-70 over
-- 10,000 sessions).
WITH m AS (
  SELECT m.sid, m.seq, m.role, m.ts FROM message_rows m
  WHERE EXISTS (SELECT 1 FROM temp.search_hits h WHERE h.sid = m.sid AND h.seq = m.seq)
),
t AS (
  SELECT t.sid, t.seq, t.idx, t.tool FROM tool_call_rows t
  WHERE EXISTS (
    SELECT 1 FROM temp.search_hits h WHERE h.sid = t.sid AND h.seq = t.seq AND h.idx = t.idx
  )
),
hits AS (
  SELECT h.sid, h.seq, NULL::INTEGER AS idx, m.role, coalesce(m.ts, s.start_time) AS at,
         'message' AS kind, NULL::VARCHAR AS tool, h.text
  FROM temp.search_hits h JOIN m USING (sid, seq) JOIN temp.selected s USING (sid)
  WHERE h.idx IS NULL AND ($role::VARCHAR IS NULL OR m.role = $role::VARCHAR)
  UNION ALL
  SELECT h.sid, h.seq, h.idx, 'tool' AS role, coalesce(m.ts, s.start_time) AS at,
         'toolCall' AS kind, t.tool, h.text
  FROM temp.search_hits h JOIN t USING (sid, seq, idx)
  JOIN m USING (sid, seq) JOIN temp.selected s USING (sid)
  WHERE h.idx IS NOT NULL AND ($role::VARCHAR IS NULL OR $role::VARCHAR = 'tool')
)
SELECT h.*, s.session_id, s.file, s.name AS session_name, s.model, count(*) OVER () AS matches,
       epoch_us(h.at)::DOUBLE AS at_us
FROM hits h JOIN temp.selected s USING (sid)
ORDER BY h.at DESC, h.sid DESC, h.seq DESC, h.idx DESC NULLS LAST
LIMIT $limit
