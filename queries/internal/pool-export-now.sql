-- The live sessions an export writes into a pool: the month that partitions them, their file's
-- size and mtime when indexed (what tells a changed session) and their cost (session-costs.sql):
-- what xAI billed, in USD (NULL when nothing was), and the estimate of the rest at the prices in
-- force (NULL when none of it has a price).
CREATE OR REPLACE TEMP TABLE export_now AS
SELECT s.sid, s.session_id, strftime(s.start_time, '%Y-%m') AS month, f.size AS file_size,
       f.mtime_ms AS file_mtime_ms,
       CASE WHEN k.billed_calls > 0 THEN (k.exact_ticks::HUGEINT / 1e10)::DOUBLE END AS cost_exact_usd,
       CASE WHEN k.estimated_calls > 0 THEN k.estimated::DOUBLE END AS cost_estimated_usd
FROM temp.selected s
JOIN files f USING (sid)
LEFT JOIN temp.session_costs k USING (sid);
