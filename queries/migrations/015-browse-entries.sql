-- Each session's row in the browser as JSON text, written when the file is read
-- (src/analytics/session-rows.ts: browseEntry), as list_entries holds list's: the browser's query
-- joins them instead of serialising 10,000 rows each time it opens.
ALTER TABLE browse_rows ADD COLUMN entry VARCHAR;
-- Every file is read again by the next refresh, to write its entry.
DELETE FROM browse_rows;
DELETE FROM list_entries;
DELETE FROM text_loaded;
DELETE FROM tool_call_text;
DELETE FROM message_text;
DELETE FROM session_tools;
DELETE FROM tool_call_rows;
DELETE FROM message_rows;
DELETE FROM api_calls;
DELETE FROM sessions;
DELETE FROM files;
DELETE FROM archives;
DELETE FROM dir_state;
