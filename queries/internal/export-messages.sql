-- The messages table of a csv or jsonl export: content from temp.export_message_text, NULL
-- unless --with-text.
SELECT strftime(s.start_time, '%Y-%m') AS month, s.session_id, m.seq, m.role, x.content, m.ts,
       m.tool_calls, m.input, m.output, m.interrupted
FROM message_rows m
JOIN temp.selected s USING (sid)
LEFT JOIN temp.export_message_text x USING (sid, seq)
ORDER BY s.start_time, s.file, m.seq
