-- The text of sessions (message content, tool-call parameters and the head of each result) is
-- most of their bytes and only `search`, `export` and `query` read it. It moves to tables of its
-- own, filled on first use (src/analytics/text.ts), so building the index writes a fraction of
-- the bytes. `messages` and `tool_calls` stay, as views joining the rows to their text.
DROP TABLE tool_calls;
DROP TABLE messages;
CREATE TABLE message_rows (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  role ENUM('system', 'user', 'assistant', 'tool') NOT NULL,
  ts TIMESTAMPTZ,
  tool_calls INTEGER NOT NULL,
  input BIGINT,
  output BIGINT,
  interrupted BOOLEAN NOT NULL,
  reply_ms INTEGER
);
CREATE TABLE tool_call_rows (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  tool VARCHAR NOT NULL,
  failed BOOLEAN NOT NULL
);
CREATE TABLE message_text (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  content VARCHAR NOT NULL
);
-- parameters and result are JSON text: searchable, and queryable with DuckDB's json functions.
CREATE TABLE tool_call_text (
  sid INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  parameters VARCHAR,
  result VARCHAR
);
-- Calls per tool in each session, derived from tool_call_rows as files are written: counting the
-- sessions that use a tool then needs no DISTINCT over every call.
CREATE TABLE session_tools (
  sid INTEGER NOT NULL,
  tool VARCHAR NOT NULL,
  calls INTEGER NOT NULL,
  failed INTEGER NOT NULL
);
-- The files whose text is in the two tables above.
CREATE TABLE text_loaded (sid INTEGER NOT NULL);
CREATE VIEW messages AS
SELECT m.sid, m.seq, m.role, x.content, m.ts, m.tool_calls, m.input, m.output, m.interrupted,
       m.reply_ms
FROM message_rows m LEFT JOIN message_text x USING (sid, seq);
CREATE VIEW tool_calls AS
SELECT t.sid, t.seq, t.idx, t.tool, x.parameters, x.result, t.failed
FROM tool_call_rows t LEFT JOIN tool_call_text x USING (sid, seq, idx);
-- Every file is read again by the next refresh.
DELETE FROM sessions;
DELETE FROM files;
DELETE FROM archives;
DELETE FROM dir_state;
