-- The tool_calls table of a csv or jsonl export: parameters and result from
-- temp.export_tool_call_text, NULL unless --with-text.
SELECT strftime(s.start_time, '%Y-%m') AS month, s.session_id, t.seq, t.idx, t.tool,
       x.parameters, x.result, t.failed
FROM tool_call_rows t
JOIN temp.selected s USING (sid)
LEFT JOIN temp.export_tool_call_text x USING (sid, seq, idx)
ORDER BY s.start_time, s.file, t.seq, t.idx
