-- A month of the pool's tool_calls table: those of the live sessions written now (parameters and
-- result from temp.export_tool_call_text: none unless --with-text); pool-export.ts adds the
-- carried copies'.
SELECT n.session_id, $exported_at::TIMESTAMPTZ AS exported_at, t.seq, t.idx, t.tool, t.failed,
       x.parameters, x.result
FROM tool_call_rows t
JOIN temp.export_now n USING (sid)
LEFT JOIN temp.export_tool_call_text x USING (sid, seq, idx)
WHERE n.month = $month::VARCHAR
