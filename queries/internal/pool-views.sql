-- A pool (src/analytics/pool.ts) seen as the index's tables, so every analytics query reads it
-- unchanged. {sessions}, {messages} and {tool_calls} are each table's files read with hive
-- partitioning (or a typed empty relation). A session is the newest copy of each machine's
-- session: by export time, then by file name (a copy of a file has the same export time). Its
-- sid is a hash of that copy, and its messages and tool calls are those of the same copy: the
-- files of one export of a partition share their name.
CREATE TABLE sessions AS
SELECT hash(machine, session_id, exported_at, parse_filename(filename)) AS sid,
       'pool' AS source, machine, month, session_id, file, name, tags, start_time, end_time,
       last_activity, duration_ms, model, status, working_directory, messages, tool_calls, input,
       output, total, interrupted, cost_estimated_usd, cost_exact_usd, exported_at,
       schema_version, filename AS path
FROM {sessions}
QUALIFY row_number() OVER (
  PARTITION BY machine, session_id
  ORDER BY exported_at DESC, parse_filename(filename) DESC
) = 1;
CREATE VIEW message_copies AS
SELECT hash(machine, session_id, exported_at, parse_filename(filename)) AS sid, seq, role, ts,
       tool_calls, input, output, interrupted, reply_ms, content
FROM {messages};
CREATE VIEW tool_call_copies AS
SELECT hash(machine, session_id, exported_at, parse_filename(filename)) AS sid, seq, idx, tool,
       failed, parameters, result
FROM {tool_calls};
CREATE VIEW message_rows AS
SELECT sid, seq, role, ts, tool_calls, input, output, interrupted, reply_ms
FROM message_copies WHERE sid IN (SELECT sid FROM sessions);
CREATE VIEW message_text AS
SELECT sid, seq, content
FROM message_copies WHERE content IS NOT NULL AND sid IN (SELECT sid FROM sessions);
CREATE VIEW messages AS
SELECT sid, seq, role, content, ts, tool_calls, input, output, interrupted, reply_ms
FROM message_copies WHERE sid IN (SELECT sid FROM sessions);
CREATE VIEW tool_call_rows AS
SELECT sid, seq, idx, tool, failed
FROM tool_call_copies WHERE sid IN (SELECT sid FROM sessions);
CREATE VIEW tool_call_text AS
SELECT sid, seq, idx, parameters, result
FROM tool_call_copies
WHERE (parameters IS NOT NULL OR result IS NOT NULL) AND sid IN (SELECT sid FROM sessions);
CREATE VIEW tool_calls AS
SELECT sid, seq, idx, tool, parameters, result, failed
FROM tool_call_copies WHERE sid IN (SELECT sid FROM sessions);
CREATE VIEW session_tools AS
SELECT sid, tool, count(*)::INTEGER AS calls, (count(*) FILTER (WHERE failed))::INTEGER AS failed
FROM tool_call_rows
GROUP BY sid, tool;
CREATE VIEW files AS
SELECT sid, source, path, file AS name, 0::BIGINT AS size, 0::DOUBLE AS mtime_ms, 'ok' AS status,
       NULL::VARCHAR AS reason
FROM sessions;
