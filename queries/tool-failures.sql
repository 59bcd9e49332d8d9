-- Tool calls whose result reports an error, newest first
SELECT s.file AS session, m.ts AS time, t.tool, t.parameters, left(t.result, 200) AS result
FROM tool_calls t
JOIN unique_sessions s USING (sid)
JOIN messages m ON m.sid = t.sid AND m.seq = t.seq
WHERE t.failed AND s.source = 'live'
ORDER BY m.ts DESC NULLS LAST
LIMIT 100;
