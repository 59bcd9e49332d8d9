-- tools.sql over a pool, whose sessions are all selected (pool-sessions.sql): no join.
-- Calls per tool over the selected sessions, most called first, as one JSON array; a failed call
-- is one whose result reports an error.
SELECT coalesce(to_json(list(t ORDER BY t.calls DESC, t.tool))::VARCHAR, '[]') AS tools
FROM (
  SELECT st.tool,
         sum(st.calls)::BIGINT AS calls,
         count(*) AS sessions,
         sum(st.failed)::BIGINT AS failed
  FROM session_tools st
  GROUP BY st.tool
) t;
