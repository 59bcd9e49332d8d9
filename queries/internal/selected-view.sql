-- The selected sessions, whole: only their sids are copied (select-sessions.sql), which takes a
-- fraction of the time of copying every column of every row.
-- Each has the machine a pool's sessions name (pool-selected-view.sql): here none, NULL, so
-- that a query reading it serves both (cost-sessions.sql).
-- When every session the index holds is selected, the view is the table (analytics-run.ts:
-- overWhole leaves out the WHERE line).
CREATE OR REPLACE TEMP VIEW selected AS
SELECT *, NULL::VARCHAR AS machine FROM sessions
WHERE sid IN (SELECT sid FROM temp.selected_sids)
;
