-- A session that is both live and archived counts once (the live copy); the same file in two
-- archives counts once too.
CREATE VIEW unique_sessions AS
SELECT * FROM sessions
QUALIFY row_number() OVER (PARTITION BY file ORDER BY (source = 'live') DESC, sid) = 1;
