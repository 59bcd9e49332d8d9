-- Each session's entry in `grok sessions list --json`, as the command prints it (written when the
-- file is read: src/session/list-entry.ts). list then joins the entries it shows instead of
-- building and serialising each session again.
CREATE TABLE list_entries (
  sid INTEGER NOT NULL,
  entry VARCHAR NOT NULL
);
-- Every file is read again by the next refresh, to write its entry.
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
