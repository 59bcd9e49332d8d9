-- What each selected session cost (cost-rows-fill.sql), for the queries that join it: its row of
-- cost_rows, for a session that has usage rows.
CREATE OR REPLACE TEMP VIEW session_costs AS
SELECT c.* EXCLUDE (has_calls)
FROM cost_rows c
WHERE c.has_calls AND c.sid IN (SELECT sid FROM temp.selected_sids);
