SELECT strftime(s.start_time, '%Y-%m') AS month, s.session_id, m.seq, m.role, m.content, m.ts,
       m.tool_calls, m.input, m.output, m.interrupted
FROM messages m JOIN temp.selected s USING (sid)
ORDER BY s.start_time, s.file, m.seq
