SELECT strftime(s.start_time, '%Y-%m') AS month, s.session_id, t.seq, t.idx, t.tool,
       t.parameters, t.result, t.failed
FROM tool_calls t JOIN temp.selected s USING (sid)
ORDER BY s.start_time, s.file, t.seq, t.idx
