-- What each selected session cost (cost-rows-fill.sql), for the queries that join it: its row of
-- cost_rows, for a session that has usage rows.
CREATE OR REPLACE TEMP TABLE session_costs AS
SELECT c.* EXCLUDE (has_calls)
FROM cost_rows c
JOIN temp.selected_sids USING (sid)
WHERE c.has_calls;
