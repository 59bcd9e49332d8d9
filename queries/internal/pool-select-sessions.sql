-- The pooled sessions a command works on: all of the sessions table, whose reading applied the
-- filters (pool-sessions.sql).
CREATE OR REPLACE TEMP TABLE selected_sids AS
SELECT sid FROM sessions;
