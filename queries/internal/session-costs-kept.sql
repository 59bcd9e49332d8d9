-- What each selected session cost (session-costs.sql), as the index keeps it (cost_rows), for the
-- queries that join temp.session_costs: a view, for a session that has usage rows.
CREATE OR REPLACE TEMP VIEW session_costs AS
SELECT c.* EXCLUDE (has_calls)
FROM cost_rows c
WHERE c.has_calls
  AND c.sid IN (SELECT sid FROM temp.selected_sids)
;
