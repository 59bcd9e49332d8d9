-- What `grok sessions query` shows: the live sessions only, and their rows. The index also keeps
-- the sessions of archives once a command has read them (--include-archived); these temporary
-- views, named as the tables, hide them, so a query gives the same answer whatever ran before.
-- {db} is the index's catalog, quoted (the views' own names would otherwise resolve to them).
CREATE TEMP VIEW sessions AS
SELECT * FROM {db}.main.sessions WHERE source = 'live';
CREATE TEMP VIEW message_rows AS
SELECT * FROM {db}.main.message_rows WHERE sid IN (SELECT sid FROM temp.main.sessions);
CREATE TEMP VIEW tool_call_rows AS
SELECT * FROM {db}.main.tool_call_rows WHERE sid IN (SELECT sid FROM temp.main.sessions);
CREATE TEMP VIEW message_text AS
SELECT * FROM {db}.main.message_text WHERE sid IN (SELECT sid FROM temp.main.sessions);
CREATE TEMP VIEW tool_call_text AS
SELECT * FROM {db}.main.tool_call_text WHERE sid IN (SELECT sid FROM temp.main.sessions);
CREATE TEMP VIEW api_calls AS
SELECT * FROM {db}.main.api_calls WHERE sid IN (SELECT sid FROM temp.main.sessions);
CREATE TEMP VIEW session_tools AS
SELECT * FROM {db}.main.session_tools WHERE sid IN (SELECT sid FROM temp.main.sessions);
CREATE TEMP VIEW messages AS
SELECT m.sid, m.seq, m.role, x.content, m.ts, m.tool_calls, m.input, m.output, m.interrupted,
       m.reply_ms
FROM temp.main.message_rows m LEFT JOIN temp.main.message_text x USING (sid, seq);
CREATE TEMP VIEW tool_calls AS
SELECT t.sid, t.seq, t.idx, t.tool, x.parameters, x.result, t.failed
FROM temp.main.tool_call_rows t LEFT JOIN temp.main.tool_call_text x USING (sid, seq, idx);
