-- Each session's summary as a pool's sessions table carries it (schema version 2): its reply
-- latencies in message order, the output tokens and time of the replies with their own usage, its
-- calls per tool, and its usage rows (the index's api_calls). stats and cost read these, not the
-- messages, tool_calls and api_calls tables.
CREATE OR REPLACE TEMP TABLE export_summary AS
WITH r AS (
  SELECT sid,
         list(m.reply_ms ORDER BY m.seq) FILTER (WHERE m.reply_ms IS NOT NULL) AS reply_ms,
         sum(m.output) FILTER (WHERE m.output IS NOT NULL AND m.reply_ms > 0) AS timed_output,
         sum(m.reply_ms) FILTER (WHERE m.output IS NOT NULL AND m.reply_ms > 0) AS timed_ms
  FROM message_rows m
  JOIN temp.export_now USING (sid)
  GROUP BY sid
),
t AS (
  SELECT sid, list({'tool': st.tool, 'calls': st.calls, 'failed': st.failed} ORDER BY st.tool) AS tools
  FROM session_tools st
  JOIN temp.export_now USING (sid)
  GROUP BY sid
),
u AS (
  SELECT sid,
         list({'seq': a.seq, 'idx': a.idx, 'kind': a.kind::VARCHAR, 'model': a.model,
               'known': a.known, 'input': a.input, 'output': a.output,
               'cached_input': a.cached_input, 'reasoning': a.reasoning,
               'cost_ticks': a.cost_ticks} ORDER BY a.seq, a.idx, a.kind) AS usage
  FROM api_calls a
  JOIN temp.export_now USING (sid)
  GROUP BY sid
)
SELECT n.sid,
       coalesce(r.reply_ms, [])::INTEGER[] AS reply_ms,
       r.timed_output::BIGINT AS timed_output,
       r.timed_ms::BIGINT AS timed_ms,
       coalesce(t.tools, [])::STRUCT(tool VARCHAR, calls INTEGER, failed INTEGER)[] AS tools,
       coalesce(u.usage, [])::STRUCT(seq INTEGER, idx INTEGER, kind VARCHAR, model VARCHAR, known BOOLEAN, input BIGINT, output BIGINT, cached_input BIGINT, reasoning BIGINT, cost_ticks BIGINT)[] AS usage
FROM temp.export_now n
LEFT JOIN r USING (sid)
LEFT JOIN t USING (sid)
LEFT JOIN u USING (sid);
