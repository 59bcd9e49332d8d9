-- A month of the pool's messages table: those of the live sessions written now (content from
-- temp.export_message_text: none unless --with-text); pool-export.ts adds the carried copies'.
SELECT n.session_id, $exported_at::TIMESTAMPTZ AS exported_at, m.seq, m.role::VARCHAR AS role,
       m.ts, m.tool_calls, m.input, m.output, m.interrupted, m.reply_ms, x.content
FROM message_rows m
JOIN temp.export_now n USING (sid)
LEFT JOIN temp.export_message_text x USING (sid, seq)
WHERE n.month = $month::VARCHAR
