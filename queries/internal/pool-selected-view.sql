-- selected-view.sql over a pool: every session of the table is selected (pool-sessions.sql), so
-- the view is the table, with no join.
CREATE OR REPLACE TEMP VIEW selected AS
SELECT * FROM sessions;
