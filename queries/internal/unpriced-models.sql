-- Models the selected sessions name (per call, else the session's) that the price table in force
-- (temp.prices) lacks: how many sessions and usage rows, and how many of those xAI billed anyway.
SELECT a.model,
       count(DISTINCT a.sid) AS sessions,
       count(*) FILTER (WHERE a.known) AS calls,
       count(*) FILTER (WHERE a.cost_ticks IS NOT NULL) AS billed
FROM api_calls a
JOIN temp.selected_sids USING (sid)
LEFT JOIN temp.prices p ON p.model = a.model
WHERE p.model IS NULL
GROUP BY a.model
ORDER BY sessions DESC, a.model;
