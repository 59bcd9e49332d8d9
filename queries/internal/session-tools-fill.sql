-- session_tools for the files just written (sids from $first on), in the same transaction.
INSERT INTO session_tools
SELECT sid, tool, count(*)::INTEGER, (count(*) FILTER (WHERE failed))::INTEGER
FROM tool_call_rows
WHERE sid >= $first
GROUP BY sid, tool;
