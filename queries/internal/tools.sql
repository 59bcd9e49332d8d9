-- Calls per tool over the selected sessions; a failed call is one whose result reports an error.
SELECT t.tool,
       count(*) AS calls,
       count(DISTINCT t.sid) AS sessions,
       count(*) FILTER (WHERE t.failed) AS failed
FROM tool_call_rows t
JOIN temp.selected s USING (sid)
GROUP BY t.tool
ORDER BY calls DESC, t.tool;
