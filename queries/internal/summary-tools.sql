-- Each live session's tools (session_tools) for the summary (summary-index.ts): by sid, then by
-- the tool's name, the name as its place in summary-names.sql's list of tools.
WITH names AS (
  SELECT tool, row_number() OVER (ORDER BY tool) - 1 AS k
  FROM (SELECT DISTINCT tool FROM session_tools
        WHERE sid IN (SELECT sid FROM sessions WHERE source = 'live'))
)
SELECT t.sid, n.k::INTEGER AS tool, t.calls, t.failed
FROM session_tools t
JOIN names n USING (tool)
WHERE t.sid IN (SELECT sid FROM sessions WHERE source = 'live')
ORDER BY t.sid, t.tool;
