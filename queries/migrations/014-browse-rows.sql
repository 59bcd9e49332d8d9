-- What the session browser (grok sessions browse) shows of each session besides the sessions
-- table's columns: the first user message, its title when the session has no name (one line, cut).
CREATE TABLE browse_rows (
  sid INTEGER NOT NULL,
  first_user VARCHAR
);
-- Every file is read again by the next refresh, to write its row.
DELETE FROM list_entries;
DELETE FROM api_calls;
DELETE FROM text_loaded;
DELETE FROM tool_call_text;
DELETE FROM message_text;
DELETE FROM session_tools;
DELETE FROM tool_call_rows;
DELETE FROM message_rows;
DELETE FROM sessions;
DELETE FROM files;
DELETE FROM archives;
DELETE FROM dir_state;
