-- A pool (src/analytics/pool.ts) seen as the index's tables, so every analytics query reads it
-- unchanged. Each table's files come in two relations: {x_tidy}, the partitions holding one file
-- per table (what an export leaves), and {x_untidy}, the others (a stopped export's leftovers,
-- copies made by a sync tool, one machine in two pools of a glob). A tidy partition holds each
-- session once; in the others a session is its newest copy (by export time, then file name),
-- and its rows are those of that copy, once. A session's sid is a hash of its copy. The sessions
-- (pool-sessions.sql) are read first, into memory; messages and tool calls are read where used
-- (the api_calls files are there for other engines: grok reads `usage`).
CREATE VIEW message_copies AS
SELECT hash(machine, session_id, exported_at) AS sid, seq, role, ts, tool_calls, input, output,
       interrupted, reply_ms, content
FROM {messages_tidy}
UNION ALL
SELECT hash(machine, session_id, exported_at) AS sid, seq, role, ts, tool_calls, input, output,
       interrupted, reply_ms, content
FROM {messages_untidy}
WHERE hash(machine, session_id, exported_at) IN (SELECT sid FROM sessions)
QUALIFY row_number() OVER (
  PARTITION BY hash(machine, session_id, exported_at), seq ORDER BY filename
) = 1;
CREATE VIEW tool_call_copies AS
SELECT hash(machine, session_id, exported_at) AS sid, seq, idx, tool, failed, parameters, result
FROM {tool_calls_tidy}
UNION ALL
SELECT hash(machine, session_id, exported_at) AS sid, seq, idx, tool, failed, parameters, result
FROM {tool_calls_untidy}
WHERE hash(machine, session_id, exported_at) IN (SELECT sid FROM sessions)
QUALIFY row_number() OVER (
  PARTITION BY hash(machine, session_id, exported_at), seq, idx ORDER BY filename
) = 1;
-- A session's usage rows and its calls per tool come with it (its summary, schema version 2):
-- cost and the tool counts read no other table.
CREATE VIEW api_calls AS
SELECT sid, u.seq, u.idx, u.kind, u.model, u.known, u.input, u.output, u.cached_input,
       u.reasoning, u.cost_ticks
FROM (SELECT sid, unnest(usage) AS u FROM sessions);
CREATE VIEW message_rows AS
SELECT sid, seq, role, ts, tool_calls, input, output, interrupted, reply_ms FROM message_copies;
CREATE VIEW message_text AS
SELECT sid, seq, content FROM message_copies WHERE content IS NOT NULL;
CREATE VIEW messages AS
SELECT sid, seq, role, content, ts, tool_calls, input, output, interrupted, reply_ms
FROM message_copies;
CREATE VIEW tool_call_rows AS
SELECT sid, seq, idx, tool, failed FROM tool_call_copies;
CREATE VIEW tool_call_text AS
SELECT sid, seq, idx, parameters, result
FROM tool_call_copies WHERE parameters IS NOT NULL OR result IS NOT NULL;
CREATE VIEW tool_calls AS
SELECT sid, seq, idx, tool, parameters, result, failed FROM tool_call_copies;
CREATE VIEW session_tools AS
SELECT sid, t.tool, t.calls, t.failed FROM (SELECT sid, unnest(tools) AS t FROM sessions);
CREATE VIEW files AS
SELECT sid, source, file AS path, file AS name, 0::BIGINT AS size, 0::DOUBLE AS mtime_ms, 'ok' AS status,
       NULL::VARCHAR AS reason
FROM sessions;
