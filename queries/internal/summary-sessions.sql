-- Every live session the index holds, with what stats and cost read of it, as one JSON array for
-- the summary (summary.ts), in the order of cost_rows: the order in which usage-totals.sql sums
-- the estimated cost (a sum of doubles depends on its order). A session not priced yet has no
-- cost row (has_calls NULL): the summary is then not written. With the digest of the prices the
-- cost rows were computed with. The path only of a session marked active (active-sessions.sql).
SELECT (SELECT max(digest) FROM cost_prices) AS digest,
       coalesce(to_json(list({
         file: s.file, path: CASE WHEN s.status = 'active' THEN f.path END, session_id: s.session_id, model: s.model,
         start_us: epoch_us(s.start_time), tags: s.tags, working_directory: s.working_directory,
         status: s.status, interrupted: s.interrupted, duration_ms: s.duration_ms,
         messages: s.messages, tool_calls: s.tool_calls, input: s.input, output: s.output,
         total: s.total, has_calls: c.has_calls, exact_ticks: c.exact_ticks,
         billed_calls: c.billed_calls, estimated_calls: c.estimated_calls,
         unpriced_calls: c.unpriced_calls, unpriced_sessions: c.unpriced_sessions,
         unknown_calls: c.unknown_calls, api_calls: c.api_calls,
         cached_input: c.cached_input, reasoning: c.reasoning, totals_only: c.totals_only,
         estimated: c.estimated, tools: t.tools, replies: m.replies,
         timed_output: m.timed_output, timed_ms: m.timed_ms
       } ORDER BY c.rowid NULLS LAST, s.sid))::VARCHAR, '[]') AS sessions
FROM sessions s
JOIN files f USING (sid)
LEFT JOIN cost_rows c USING (sid)
LEFT JOIN (
  SELECT sid, list({tool: tool, calls: calls, failed: failed} ORDER BY tool) AS tools
  FROM session_tools GROUP BY sid
) t USING (sid)
LEFT JOIN (
  SELECT sid,
         list(reply_ms ORDER BY seq) AS replies,
         sum(output) FILTER (WHERE output IS NOT NULL AND reply_ms > 0) AS timed_output,
         sum(reply_ms) FILTER (WHERE output IS NOT NULL AND reply_ms > 0) AS timed_ms
  FROM message_rows WHERE reply_ms IS NOT NULL GROUP BY sid
) m USING (sid)
WHERE s.source = 'live';
