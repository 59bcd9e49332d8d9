-- A month of the pool's tool_calls table: those of the live sessions written now (parameters and
-- result from temp.export_tool_call_text: none unless --with-text), then those of carried copies.
SELECT n.session_id, $exported_at::TIMESTAMPTZ AS exported_at, t.seq, t.idx, t.tool, t.failed,
       x.parameters, x.result
FROM tool_call_rows t
JOIN temp.export_now n USING (sid)
LEFT JOIN temp.export_tool_call_text x USING (sid, seq, idx)
WHERE n.month = $month::VARCHAR
UNION ALL BY NAME
SELECT o.* EXCLUDE (machine, month, filename)
FROM {old} o
JOIN temp.export_carried c
  ON o.session_id = c.session_id AND o.exported_at = c.exported_at
 AND parse_filename(o.filename) = c.base
ORDER BY session_id, seq, idx
