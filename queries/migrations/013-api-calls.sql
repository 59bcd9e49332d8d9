-- The usage cost is computed from: one row per API call a message recorded (`calls`, with the
-- model it named and the cost xAI billed, in ticks), else one per message's own `usage` (priced by
-- the session's model), else one of the session's totals (the seed's format). `known` is false
-- for a call whose usage the server never reported; its numbers are NULL, never 0. Cached input,
-- reasoning and billed ticks are NULL where the file does not say.
CREATE TABLE api_calls (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,         -- the message; -1 for the session's totals
  idx INTEGER NOT NULL,         -- the entry of the message's `calls`; -1 otherwise
  kind ENUM('call', 'message', 'session') NOT NULL,
  model VARCHAR NOT NULL,
  known BOOLEAN NOT NULL,
  input BIGINT,
  output BIGINT,
  cached_input BIGINT,
  reasoning BIGINT,
  cost_ticks BIGINT
);
-- Every file is read again by the next refresh, to write its rows (the index is a cache).
DELETE FROM text_loaded;
DELETE FROM tool_call_text;
DELETE FROM message_text;
DELETE FROM session_tools;
DELETE FROM tool_call_rows;
DELETE FROM message_rows;
DELETE FROM list_entries;
DELETE FROM sessions;
DELETE FROM files;
DELETE FROM archives;
DELETE FROM dir_state;
