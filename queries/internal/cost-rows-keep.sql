-- Keeps the cost of the sessions just priced (temp.cost_fill: session-costs.sql over temp.cost_todo, costs.ts),
-- by column name; a session without usage rows gets a row too (has_calls false), so that it is
-- not priced again. In sid order: the order in which the summary (summary-sessions.sql) and
-- usage-totals.sql sum the estimated cost, which a summary made from the files alone follows too
-- (summary-files.ts).
INSERT INTO cost_rows BY NAME
SELECT t.sid, k.sid IS NOT NULL AS has_calls, k.* EXCLUDE (sid)
FROM temp.cost_todo t
LEFT JOIN temp.cost_fill k USING (sid)
ORDER BY t.sid;
